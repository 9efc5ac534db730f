using Scoring.Models.Xgb.Internal;

namespace Scoring.Models.Xgb;

/// <summary>A libxgboost DMatrix built from a dense row-major float matrix; NaN marks a missing cell.</summary>
public sealed unsafe class XgbDMatrix : IDisposable
{
    private XgbDMatrix(DMatrixSafeHandle handle, int rows, int columns)
    {
        Handle = handle;
        Rows = rows;
        Columns = columns;
    }

    public int Rows { get; }

    public int Columns { get; }

    internal DMatrixSafeHandle Handle { get; }

    /// <summary>Creates a DMatrix from <paramref name="data"/> (rows × columns, row-major), NaN as missing.</summary>
    public static XgbDMatrix FromDense(ReadOnlySpan<float> data, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"data has {data.Length} values but rows × columns = {(long)rows * columns}.", nameof(data));
        }

        nint raw;
        fixed (float* p = data)
        {
            XgbNative.Check(XgbNative.XGDMatrixCreateFromMat(p, (ulong)rows, (ulong)columns, float.NaN, out raw), nameof(XgbNative.XGDMatrixCreateFromMat));
        }

        return new XgbDMatrix(new DMatrixSafeHandle(raw), rows, columns);
    }

    /// <summary>Sets the training labels (one per row).</summary>
    public void SetLabels(ReadOnlySpan<float> labels) => SetFloatInfo("label", labels);

    /// <summary>Sets per-row instance weights.</summary>
    public void SetWeights(ReadOnlySpan<float> weights) => SetFloatInfo("weight", weights);

    /// <summary>Sets a per-row base margin (margin space) that prediction starts from instead of base_score.</summary>
    public void SetBaseMargin(ReadOnlySpan<float> margins) => SetFloatInfo("base_margin", margins);

    public void Dispose() => Handle.Dispose();

    private void SetFloatInfo(string field, ReadOnlySpan<float> values)
    {
        if (values.Length != Rows)
        {
            throw new ArgumentException($"{field} has {values.Length} values but the matrix has {Rows} rows.", nameof(values));
        }

        fixed (float* p = values)
        {
            XgbNative.Check(XgbNative.XGDMatrixSetFloatInfo(Handle, field, p, (ulong)values.Length), $"{nameof(XgbNative.XGDMatrixSetFloatInfo)}({field})");
        }
    }
}
