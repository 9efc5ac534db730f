using System.Runtime.InteropServices;

namespace Scoring.Models.Xgb.Internal;

/// <summary>
/// P/Invoke declarations for the XGBoost C API (xgboost/c_api.h, 1.7). Every function returns 0
/// on success and -1 on failure; <see cref="Check"/> turns failures into exceptions carrying
/// XGBGetLastError. bst_ulong is uint64_t.
/// </summary>
internal static unsafe partial class XgbNative
{
    private const string Library = "libxgboost.so.0";

    [LibraryImport(Library)]
    internal static partial nint XGBGetLastError();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoostVersion(out int major, out int minor, out int patch);

    [LibraryImport(Library)]
    internal static partial int XGDMatrixCreateFromMat(float* data, ulong nrow, ulong ncol, float missing, out nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGDMatrixSetFloatInfo(DMatrixSafeHandle handle, string field, float* array, ulong len);

    [LibraryImport(Library)]
    internal static partial int XGDMatrixNumRow(DMatrixSafeHandle handle, out ulong rows);

    [LibraryImport(Library)]
    internal static partial int XGDMatrixNumCol(DMatrixSafeHandle handle, out ulong cols);

    [LibraryImport(Library)]
    internal static partial int XGDMatrixFree(nint handle);

    [LibraryImport(Library)]
    internal static partial int XGBoosterCreate(nint* dmats, ulong len, out nint handle);

    [LibraryImport(Library)]
    internal static partial int XGBoosterFree(nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSetParam(BoosterSafeHandle handle, string name, string value);

    [LibraryImport(Library)]
    internal static partial int XGBoosterUpdateOneIter(BoosterSafeHandle handle, int iter, DMatrixSafeHandle train);

    [LibraryImport(Library)]
    internal static partial int XGBoosterEvalOneIter(BoosterSafeHandle handle, int iter, nint* dmats, nint* names, ulong len, out nint result);

    [LibraryImport(Library)]
    internal static partial int XGBoosterPredict(BoosterSafeHandle handle, DMatrixSafeHandle dmat, int optionMask, uint ntreeLimit, int training, out ulong length, out float* result);

    [LibraryImport(Library)]
    internal static partial int XGBoosterPredictFromDense(BoosterSafeHandle handle, byte* arrayInterface, byte* config, nint proxy, out ulong* shape, out ulong dims, out float* result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSaveModel(BoosterSafeHandle handle, string fileName);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterLoadModel(BoosterSafeHandle handle, string fileName);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSaveModelToBuffer(BoosterSafeHandle handle, string config, out ulong length, out byte* data);

    [LibraryImport(Library)]
    internal static partial int XGBoosterLoadModelFromBuffer(BoosterSafeHandle handle, byte* buffer, ulong length);

    [LibraryImport(Library)]
    internal static partial int XGBoosterSaveJsonConfig(BoosterSafeHandle handle, out ulong length, out byte* config);

    [LibraryImport(Library)]
    internal static partial int XGBoosterBoostedRounds(BoosterSafeHandle handle, out int rounds);

    [LibraryImport(Library)]
    internal static partial int XGBoosterGetNumFeature(BoosterSafeHandle handle, out ulong features);

    [LibraryImport(Library)]
    internal static partial int XGBoosterSlice(BoosterSafeHandle handle, int beginLayer, int endLayer, int step, out nint sliced);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSetAttr(BoosterSafeHandle handle, string key, string? value);

    /// <summary>Throws <see cref="XGBoostException"/> with libxgboost's last error when <paramref name="rc"/> is non-zero.</summary>
    internal static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            var message = Marshal.PtrToStringUTF8(XGBGetLastError()) ?? "(no error message)";
            throw new XGBoostException(call, message);
        }
    }
}
