namespace Incus.Supervisor;

/// <summary>How to start one supervised child: a fixed program, its argv, and the descriptor it inherits.</summary>
public sealed record ChildSpec(string Name, string Program, IReadOnlyList<string> Arguments, int InheritedFd);
