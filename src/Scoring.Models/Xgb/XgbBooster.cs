using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Scoring.Models.Xgb.Internal;

namespace Scoring.Models.Xgb;

/// <summary>A libxgboost Booster: training rounds, evaluation, prediction and model (de)serialisation.</summary>
public sealed unsafe class XgbBooster : IDisposable
{
    private XgbBooster(BoosterSafeHandle handle) => Handle = handle;

    internal BoosterSafeHandle Handle { get; }

    /// <summary>Creates a booster whose cache holds <paramref name="cache"/> (training and evaluation matrices).</summary>
    public static XgbBooster Create(params ReadOnlySpan<XgbDMatrix> cache)
    {
        var handles = new nint[cache.Length];
        var added = new bool[cache.Length];
        try
        {
            for (var i = 0; i < cache.Length; i++)
            {
                cache[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = cache[i].Handle.DangerousGetHandle();
            }

            nint raw;
            fixed (nint* p = handles)
            {
                XgbNative.Check(XgbNative.XGBoosterCreate(p, (ulong)handles.Length, out raw), nameof(XgbNative.XGBoosterCreate));
            }

            return new XgbBooster(new BoosterSafeHandle(raw));
        }
        finally
        {
            for (var i = 0; i < cache.Length; i++)
            {
                if (added[i])
                {
                    cache[i].Handle.DangerousRelease();
                }
            }
        }
    }

    /// <summary>Loads a model saved by XGBoost (JSON, UBJSON or legacy binary) from a file.</summary>
    public static XgbBooster LoadModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var booster = Create();
        try
        {
            XgbNative.Check(XgbNative.XGBoosterLoadModel(booster.Handle, path), nameof(XgbNative.XGBoosterLoadModel));
            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    /// <summary>Loads a model from an in-memory buffer (JSON bytes as written by <see cref="SaveModelJson"/>).</summary>
    public static XgbBooster LoadModel(ReadOnlySpan<byte> model)
    {
        var booster = Create();
        try
        {
            fixed (byte* p = model)
            {
                XgbNative.Check(XgbNative.XGBoosterLoadModelFromBuffer(booster.Handle, p, (ulong)model.Length), nameof(XgbNative.XGBoosterLoadModelFromBuffer));
            }

            return booster;
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    /// <summary>Number of boosted rounds in the model.</summary>
    public int BoostedRounds
    {
        get
        {
            XgbNative.Check(XgbNative.XGBoosterBoostedRounds(Handle, out var rounds), nameof(XgbNative.XGBoosterBoostedRounds));
            return rounds;
        }
    }

    /// <summary>Number of features the model was trained on.</summary>
    public int NumFeatures
    {
        get
        {
            XgbNative.Check(XgbNative.XGBoosterGetNumFeature(Handle, out var n), nameof(XgbNative.XGBoosterGetNumFeature));
            return checked((int)n);
        }
    }

    public void SetParam(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        XgbNative.Check(XgbNative.XGBoosterSetParam(Handle, name, value), $"{nameof(XgbNative.XGBoosterSetParam)}({name}={value})");
    }

    public void SetAttribute(string key, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        XgbNative.Check(XgbNative.XGBoosterSetAttr(Handle, key, value), nameof(XgbNative.XGBoosterSetAttr));
    }

    /// <summary>Runs boosting round <paramref name="iteration"/> on <paramref name="train"/>.</summary>
    public void UpdateOneIter(int iteration, XgbDMatrix train)
    {
        ArgumentNullException.ThrowIfNull(train);
        XgbNative.Check(XgbNative.XGBoosterUpdateOneIter(Handle, iteration, train.Handle), nameof(XgbNative.XGBoosterUpdateOneIter));
    }

    /// <summary>Evaluates the configured metrics; returns libxgboost's text, e.g. "[3]\tvalid-logloss:0.51".</summary>
    public string EvalOneIter(int iteration, ReadOnlySpan<XgbDMatrix> matrices, ReadOnlySpan<string> names)
    {
        if (matrices.Length != names.Length || matrices.Length == 0)
        {
            throw new ArgumentException("matrices and names must be non-empty and of equal length.", nameof(names));
        }

        var handles = new nint[matrices.Length];
        var added = new bool[matrices.Length];
        var namePtrs = new nint[names.Length];
        try
        {
            for (var i = 0; i < matrices.Length; i++)
            {
                matrices[i].Handle.DangerousAddRef(ref added[i]);
                handles[i] = matrices[i].Handle.DangerousGetHandle();
                namePtrs[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
            }

            nint result;
            fixed (nint* h = handles)
            fixed (nint* n = namePtrs)
            {
                XgbNative.Check(XgbNative.XGBoosterEvalOneIter(Handle, iteration, h, n, (ulong)handles.Length, out result), nameof(XgbNative.XGBoosterEvalOneIter));
            }

            return Marshal.PtrToStringUTF8(result) ?? string.Empty;
        }
        finally
        {
            for (var i = 0; i < matrices.Length; i++)
            {
                if (added[i])
                {
                    matrices[i].Handle.DangerousRelease();
                }

                if (namePtrs[i] != 0)
                {
                    Marshal.FreeCoTaskMem(namePtrs[i]);
                }
            }
        }
    }

    /// <summary>
    /// Predicts every row of <paramref name="data"/>. With <see cref="XgbPredictOptions.Contributions"/> the result
    /// is rows × (features + 1), row-major, last column the bias.
    /// </summary>
    public float[] Predict(XgbDMatrix data, XgbPredictOptions options = XgbPredictOptions.None)
    {
        ArgumentNullException.ThrowIfNull(data);
        XgbNative.Check(XgbNative.XGBoosterPredict(Handle, data.Handle, (int)options, 0, 0, out var length, out var result), nameof(XgbNative.XGBoosterPredict));
        return new ReadOnlySpan<float>(result, checked((int)length)).ToArray();
    }

    /// <summary>
    /// In-place prediction of dense rows through XGBoosterPredictFromDense (no DMatrix); the baseline the native
    /// evaluator is benchmarked against. <paramref name="destination"/> receives one value per row.
    /// </summary>
    public void InplacePredict(ReadOnlySpan<float> rows, int rowCount, int columns, Span<float> destination, bool outputMargin = false)
    {
        if (rows.Length != (long)rowCount * columns || destination.Length < rowCount)
        {
            throw new ArgumentException("rows must be rowCount × columns and destination at least rowCount long.", nameof(rows));
        }

        fixed (float* p = rows)
        {
            // __array_interface__ describing the caller's buffer; "<f4" is little-endian float32.
            var arrayInterface = string.Create(CultureInfo.InvariantCulture, $"{{\"data\":[{(ulong)p},true],\"shape\":[{rowCount},{columns}],\"typestr\":\"<f4\",\"version\":3}}\0");
            var config = (outputMargin ? "{\"type\":1," : "{\"type\":0,") + "\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}\0";
            var ai = Encoding.UTF8.GetBytes(arrayInterface);
            var cfg = Encoding.UTF8.GetBytes(config);
            fixed (byte* a = ai)
            fixed (byte* c = cfg)
            {
                XgbNative.Check(XgbNative.XGBoosterPredictFromDense(Handle, a, c, 0, out _, out _, out var result), nameof(XgbNative.XGBoosterPredictFromDense));
                new ReadOnlySpan<float>(result, rowCount).CopyTo(destination);
            }
        }
    }

    /// <summary>Saves the model to <paramref name="path"/>; a ".json" extension selects XGBoost's JSON format.</summary>
    public void SaveModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        XgbNative.Check(XgbNative.XGBoosterSaveModel(Handle, path), nameof(XgbNative.XGBoosterSaveModel));
    }

    /// <summary>The model in XGBoost's JSON format (doc/model.schema), as UTF-8 bytes.</summary>
    public byte[] SaveModelJson()
    {
        XgbNative.Check(XgbNative.XGBoosterSaveModelToBuffer(Handle, "{\"format\":\"json\"}", out var length, out var data), nameof(XgbNative.XGBoosterSaveModelToBuffer));
        return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
    }

    /// <summary>The booster's full internal configuration (training parameters) as JSON.</summary>
    public string SaveJsonConfig()
    {
        XgbNative.Check(XgbNative.XGBoosterSaveJsonConfig(Handle, out var length, out var data), nameof(XgbNative.XGBoosterSaveJsonConfig));
        return Encoding.UTF8.GetString(data, checked((int)length));
    }

    /// <summary>A new booster holding the trees of rounds [begin, end).</summary>
    public XgbBooster Slice(int begin, int end)
    {
        XgbNative.Check(XgbNative.XGBoosterSlice(Handle, begin, end, 1, out var sliced), nameof(XgbNative.XGBoosterSlice));
        return new XgbBooster(new BoosterSafeHandle(sliced));
    }

    public void Dispose() => Handle.Dispose();
}
