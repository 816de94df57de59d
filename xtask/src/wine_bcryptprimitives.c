/* Only for running the Windows helper under Debian's wine 8 in `cargo xtask release --check`:
 * Rust's standard library draws random numbers with ProcessPrng from bcryptprimitives.dll,
 * which every Windows 10 and 11 has and wine 8 lacks. This stand-in, put beside the .exe in the
 * test's own folder, answers the same call with RtlGenRandom. It is never shipped. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
