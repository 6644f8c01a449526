namespace Incus.DriverCheck;

/// <summary>
/// One row of a suite: a name and the check, which returns what it saw or throws
/// <see cref="CheckFailedException"/>. Running it turns every outcome into one <see cref="CheckResult"/>.
/// </summary>
public sealed record ConformanceRow(string Name, Func<Task<string>> Check)
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(90);

    public async Task<CheckResult> RunAsync(Func<string> helperOutput)
    {
        ArgumentNullException.ThrowIfNull(helperOutput);
        try
        {
            return CheckResult.Pass(Name, await Check().WaitAsync(CallLimit).ConfigureAwait(false));
        }
        catch (CheckFailedException ex)
        {
            return CheckResult.Fail(Name, ex.Message);
        }
        catch (TimeoutException)
        {
            return CheckResult.Fail(Name, $"did not finish within {CallLimit.TotalSeconds} s; net helper output:\n{helperOutput()}");
        }
        catch (Exception ex)
        {
            // A driver that throws where it should succeed fails the row with what it threw.
            return CheckResult.Fail(Name, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// A config validation row: the validator must answer with a message when <paramref name="mustRefuse"/>,
    /// null otherwise, and never throw (the daemon would turn a throw into a 500).
    /// </summary>
    public static ConformanceRow Validation(string name, Func<IReadOnlyDictionary<string, string>, string?> validate, IReadOnlyDictionary<string, string> config, bool mustRefuse) =>
        new(name, () =>
        {
            string shown = config.Count == 0 ? "{}" : string.Join(", ", config.Select(kv => $"{kv.Key}={kv.Value}"));
            string? error;
            try
            {
                error = validate(config);
            }
            catch (Exception ex)
            {
                throw new CheckFailedException($"ValidateConfig({shown}) threw {ex.GetType().Name}: {ex.Message}");
            }
            if (mustRefuse && string.IsNullOrWhiteSpace(error))
            {
                throw new CheckFailedException($"ValidateConfig accepted {shown}" + (error is null ? "" : " (an empty message is no message)"));
            }
            if (!mustRefuse && error is not null)
            {
                throw new CheckFailedException($"ValidateConfig refused {shown}: {error}");
            }
            return Task.FromResult(error ?? $"accepted {shown}");
        });
}
