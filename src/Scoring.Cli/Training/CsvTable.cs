using System.Text;

namespace Scoring.Cli.Training;

/// <summary>
/// A CSV file read into memory (RFC 4180: comma separated, double-quoted fields may hold
/// commas, quotes as "" and line breaks). The first record is the header.
/// </summary>
internal sealed class CsvTable
{
    private CsvTable(IReadOnlyList<string> header, List<string[]> rows)
    {
        Header = header;
        Rows = rows;
    }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public int IndexOf(string column)
    {
        for (var i = 0; i < Header.Count; i++)
        {
            if (string.Equals(Header[i], column, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public static CsvTable Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path);
    }

    public static CsvTable Parse(TextReader reader, string source)
    {
        var records = ReadRecords(reader, source).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new InvalidDataException($"{source}: the file is empty; a header line is required.");
        }

        var header = records.Current.Select(h => h.Trim()).ToArray();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"{source}: column '{duplicate.Key}' appears twice in the header.");
        }

        if (header.Any(h => h.Length == 0))
        {
            throw new InvalidDataException($"{source}: the header has an empty column name.");
        }

        var rows = new List<string[]>();
        var line = 1;
        while (records.MoveNext())
        {
            line++;
            var record = records.Current;
            if (record.Length == 1 && record[0].Length == 0)
            {
                continue; // blank line
            }

            if (record.Length != header.Length)
            {
                throw new InvalidDataException($"{source}: record {line} has {record.Length} fields; the header has {header.Length}.");
            }

            rows.Add(record);
        }

        return new CsvTable(header, rows);
    }

    private static IEnumerable<string[]> ReadRecords(TextReader reader, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return fields.ToArray();
                    fields.Clear();
                    any = false;
                    break;
                default:
                    field.Append(ch);
                    break;
            }
        }

        if (inQuotes)
        {
            throw new InvalidDataException($"{source}: a quoted field is not closed before the end of the file.");
        }

        if (any)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }
}
