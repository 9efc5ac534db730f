namespace Scoring.Cli.Population;

/// <summary>
/// Calendar effects on card spend: month-end, weekends, Christmas, Chinese New Year and the
/// Double-11 (11 November) online shopping peak.
/// </summary>
internal static class Seasonality
{
    // Chinese New Year (first day of the lunar year), 2020–2030.
    private static readonly DateOnly[] ChineseNewYear =
    [
        new(2020, 1, 25), new(2021, 2, 12), new(2022, 2, 1), new(2023, 1, 22), new(2024, 2, 10),
        new(2025, 1, 29), new(2026, 2, 17), new(2027, 2, 6), new(2028, 1, 26), new(2029, 2, 13),
        new(2030, 2, 3),
    ];

    /// <summary>Which seasonal event, if any, shapes the category mix on this day.</summary>
    public static Season SeasonOf(DateOnly date)
    {
        if (date.Month == 11 && date.Day is >= 1 and <= 11)
        {
            return Season.Double11;
        }

        if (date.Month == 12 && date.Day is >= 10 and <= 26)
        {
            return Season.Christmas;
        }

        foreach (var cny in ChineseNewYear)
        {
            var offset = date.DayNumber - cny.DayNumber;
            if (offset is >= -14 and <= 6)
            {
                return Season.ChineseNewYear;
            }
        }

        return Season.None;
    }

    /// <summary>Multiplier on the daily transaction rate.</summary>
    public static double SpendMultiplier(DateOnly date, Season season)
    {
        var m = 1.0;
        if (date.Day >= date.AddDays(-date.Day + 1).AddMonths(1).AddDays(-1).Day - 4)
        {
            m *= 1.25; // month-end: salary in, bills paid
        }

        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            m *= 1.15;
        }

        m *= season switch
        {
            Season.Double11 => date.Day == 11 ? 4.0 : date.Day >= 9 ? 2.0 : 1.5,
            Season.Christmas => 1.35,
            Season.ChineseNewYear => 1.6,
            _ => 1.0,
        };
        return m;
    }
}

internal enum Season
{
    None,
    Double11,
    Christmas,
    ChineseNewYear,
}
