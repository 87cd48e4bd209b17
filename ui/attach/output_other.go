//go:build !linux || !(amd64 || arm64)

package attach

import "os"

// openRaw: the timer-bounded raw write (output_linux.go) needs Linux's
// per-thread timers and the kernel's sigaction layout of amd64 and arm64;
// elsewhere the terminal's ordinary writes serve.
func openRaw(*os.File) output { return nil }
