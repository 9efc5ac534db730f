using Microsoft.Win32.SafeHandles;

namespace Scoring.Models.Xgb.Internal;

internal sealed class DMatrixSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DMatrixSafeHandle()
        : base(ownsHandle: true)
    {
    }

    internal DMatrixSafeHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => XgbNative.XGDMatrixFree(handle) == 0;
}

internal sealed class BoosterSafeHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public BoosterSafeHandle()
        : base(ownsHandle: true)
    {
    }

    internal BoosterSafeHandle(nint handle)
        : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle() => XgbNative.XGBoosterFree(handle) == 0;
}
