package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// The running dashboard collects at runningGCPercent unless the
// environment sets GOGC, whatever it says (off included).
func TestGCPercentFor(t *testing.T) {
	unset := func(string) (string, bool) { return "", false }
	set := func(v string) func(string) (string, bool) {
		return func(k string) (string, bool) { return v, k == "GOGC" }
	}
	for _, c := range []struct {
		old    int
		lookup func(string) (string, bool)
		want   int
	}{
		{100, unset, runningGCPercent},
		{100, set("100"), 100},
		{150, set("150"), 150},
		{-1, set("off"), -1},
	} {
		if got := gcPercentFor(c.old, c.lookup); got != c.want {
			t.Errorf("gcPercentFor(%d) = %d, want %d", c.old, got, c.want)
		}
	}
}

// startupGC raises the percent for the load and its restore sets the
// running one (here, with the test's environment, whatever gcPercentFor
// says for it).
func TestStartupGCThenRunning(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := startupGC()
	if got := debug.SetGCPercent(startupGCPercent); got != startupGCPercent {
		t.Errorf("while starting: GOGC %d, want %d", got, startupGCPercent)
	}
	restore()
	want := gcPercentFor(100, func(k string) (string, bool) { return os.LookupEnv(k) })
	if got := debug.SetGCPercent(before); got != want {
		t.Errorf("running: GOGC %d, want %d", got, want)
	}
}
