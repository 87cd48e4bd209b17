package main

import (
	"context"
	"runtime"

	"github.com/sshdash/sshdash/ui/attach"
)

// runAttach runs attach.Run with the Go scheduler on one P, as ssh runs
// one loop.
//
// While a terminal is attached, sshdash's work is a chain of small
// handoffs: x/crypto's reader, its channel mux, the output pump, the
// terminal. With two Ps each handoff to an idle P wakes another OS thread;
// with one, the next goroutine runs on the same thread once the current
// one blocks. Keystroke echo needs every wait to happen in the poller, not
// in a blocking system call, which ui/attach's input reader ensures.
// Background sessions keep running on the same P, as ssh's multiplexed
// channels share its loop; the dashboard gets every P back on detach. A
// GOMAXPROCS the user set is left alone. BENCHMARKS.md has the figures.
func runAttach(ctx context.Context, getenv func(string) string, s attach.Session, o attach.Options) (attach.Result, error) {
	// The raw terminal write is opt-in (ui/attach/output.go says why).
	o.RawWrite = getenv("SSHDASH_RAW_WRITE") == "1"
	if getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
		defer runtime.SetDefaultGOMAXPROCS()
	}
	return attach.Run(ctx, s, o)
}
