using System.Diagnostics;
using System.Text.Json;

namespace Scoring.Cli.Training;

/// <summary>A line chart (several series) or a horizontal bar chart, drawn to PNG.</summary>
internal sealed record Chart(string File, string Title, string XLabel, string YLabel, IReadOnlyList<ChartSeries> Series, bool Bars = false, bool Diagonal = false);

internal sealed record ChartSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<string>? Labels = null);

/// <summary>
/// Draws the report charts with a small script for /usr/bin/python3 and PIL (python3-pil),
/// which the repository's dependencies install; the chart data goes in as JSON. Without
/// python or PIL the report is still written and says the charts are missing.
/// </summary>
internal static class ChartRenderer
{
    public const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys
        from PIL import Image, ImageDraw, ImageFont
        spec = json.load(open(sys.argv[1]))
        W, H, L, R, T, B = 720, 480, 80, 170, 50, 60
        COLORS = [(31,119,180),(255,127,14),(44,160,44),(214,39,40),(148,103,189),(140,86,75)]
        font = ImageFont.load_default()
        for c in spec:
            img = Image.new('RGB', (W, H), 'white'); d = ImageDraw.Draw(img)
            d.text((L, 15), c['Title'], fill='black', font=font)
            pw, ph = W - L - R, H - T - B
            d.rectangle([L, T, L + pw, T + ph], outline='black')
            if c['Bars']:
                s = c['Series'][0]; n = len(s['Y']); top = max(s['Y'] + [1e-12])
                bh = ph / max(n, 1)
                for i, v in enumerate(s['Y']):
                    y0 = T + i * bh + 2
                    d.rectangle([L, y0, L + pw * v / top, y0 + bh - 4], fill=COLORS[0])
                    d.text((L + pw + 5, y0), (s['Labels'][i] if s.get('Labels') else str(i))[:26], fill='black', font=font)
                d.text((L + pw // 2 - 40, H - 25), c['XLabel'], fill='black', font=font)
            else:
                xs = [x for s in c['Series'] for x in s['X']]; ys = [y for s in c['Series'] for y in s['Y']]
                x0, x1 = min(xs + [0]), max(xs + [1]); y0, y1 = min(ys + [0]), max(ys + [1])
                sx = lambda x: L + (x - x0) / ((x1 - x0) or 1) * pw
                sy = lambda y: T + ph - (y - y0) / ((y1 - y0) or 1) * ph
                for k in range(6):
                    gx, gy = x0 + (x1 - x0) * k / 5, y0 + (y1 - y0) * k / 5
                    d.line([sx(gx), T + ph, sx(gx), T + ph + 4], fill='black'); d.text((sx(gx) - 10, T + ph + 8), '%.2g' % gx, fill='black', font=font)
                    d.line([L - 4, sy(gy), L, sy(gy)], fill='black'); d.text((L - 40, sy(gy) - 5), '%.2g' % gy, fill='black', font=font)
                if c['Diagonal']:
                    d.line([sx(max(x0, y0)), sy(max(x0, y0)), sx(min(x1, y1)), sy(min(x1, y1))], fill=(170,170,170))
                for i, s in enumerate(c['Series']):
                    pts = [(sx(x), sy(y)) for x, y in zip(s['X'], s['Y'])]
                    col = COLORS[i % len(COLORS)]
                    if len(pts) > 1: d.line(pts, fill=col, width=2)
                    for p in pts if len(pts) <= 20 else []: d.ellipse([p[0]-3, p[1]-3, p[0]+3, p[1]+3], fill=col)
                    d.line([L + pw + 10, T + 10 + 18 * i, L + pw + 30, T + 10 + 18 * i], fill=col, width=3)
                    d.text((L + pw + 35, T + 4 + 18 * i), s['Name'][:20], fill='black', font=font)
                d.text((L + pw // 2 - 40, H - 25), c['XLabel'], fill='black', font=font)
                d.text((5, T - 20), c['YLabel'], fill='black', font=font)
            img.save(c['File'])
        """;

    /// <summary>Renders the charts; returns null on success or the reason they could not be drawn.</summary>
    public static async Task<string?> RenderAsync(IReadOnlyList<Chart> charts, CancellationToken cancellationToken)
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }

        var work = Path.Combine(Path.GetTempPath(), "scoring-charts-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var scriptPath = Path.Combine(work, "charts.py");
            var specPath = Path.Combine(work, "charts.json");
            await File.WriteAllTextAsync(scriptPath, Script, cancellationToken);
            await File.WriteAllTextAsync(specPath, JsonSerializer.Serialize(charts), cancellationToken);
            var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(scriptPath);
            start.ArgumentList.Add(specPath);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("python did not start");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? null : $"chart script failed: {(await stderr).Trim()}";
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
