using System.Text.Json;

namespace Incus.Helpers;

/// <summary>Helper state files, replaced write-then-rename so a crash leaves the old or the new content, never half of one.</summary>
public static class AtomicJsonFile
{
    public static void Write<T>(string path, T value)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value));
        File.Move(temporary, path, overwrite: true);
    }
}
