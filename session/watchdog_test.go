package session

import (
	"bytes"
	"fmt"
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

// stallWatchdog ends the test binary with every goroutine's stack if the
// returned stop function is not called within d: a test of something that
// can block must never just hang until the go test timeout, and the stacks
// say what was stuck.
func stallWatchdog(t testing.TB, what string, d time.Duration) (stop func()) {
	t.Helper()
	name := t.Name()
	timer := time.AfterFunc(d, func() {
		var b bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
		fmt.Fprintf(os.Stderr, "watchdog: %s: %s did not finish within %s; goroutines:\n%s\n", name, what, d, b.String())
		panic(fmt.Sprintf("watchdog: %s: %s did not finish within %s", name, what, d))
	})
	return func() { timer.Stop() }
}

// within runs f under a watchdog of d.
func within(t testing.TB, what string, d time.Duration, f func()) {
	t.Helper()
	stop := stallWatchdog(t, what, d)
	defer stop()
	f()
}
