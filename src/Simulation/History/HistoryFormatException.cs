namespace Cairn.Simulation.History;

/// <summary>A history line or sequence of lines that does not follow the documented format.</summary>
public sealed class HistoryFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, including the line number when known.</param>
    public HistoryFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it.</summary>
    /// <param name="message">What is wrong, including the line number when known.</param>
    /// <param name="inner">The underlying parser error.</param>
    public HistoryFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
