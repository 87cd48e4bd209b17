package main

import (
	"os"
	"runtime/debug"
)

// startupGCPercent is the garbage collector's GOGC while the dashboard
// loads a configuration and builds its first frame. Loading keeps most of
// what it allocates (the parsed files, a resolved entry per host), so the
// default pace collected several times for little while the first frame
// waited; 5,000 hosts then peak at a few MiB more.
const startupGCPercent = 400

// runningGCPercent is the dashboard's GOGC once it runs, when the
// environment sets none. The process's memory follows the collector's
// goal (the runtime keeps the heap's pages up to about a tenth above it),
// which at GOGC 100 is twice the live heap plus the scanned stacks: with
// a thousand sessions open, 91 KiB of the 170 each cost (see
// BENCHMARKS.md, "Memory per session, fourth pass"). At 70 it is 74 KiB.
// The dashboard allocates little while idle, so collecting more often
// costs nothing measurable there; while a session streams bulk output
// (x/crypto copies every packet) the collector runs about two fifths more
// often than at 100.
const runningGCPercent = 70

// startupGC raises GOGC to startupGCPercent and returns the function that
// sets the percent the dashboard runs at: GOGC from the environment when
// it sets one, else runningGCPercent.
func startupGC() (restore func()) {
	old := debug.SetGCPercent(startupGCPercent)
	running := gcPercentFor(old, os.LookupEnv) // the runtime reads GOGC from the process environment too
	return func() { debug.SetGCPercent(running) }
}

// gcPercentFor is the percent to run at: old (what the runtime took from
// GOGC) when lookup finds GOGC set, else runningGCPercent.
func gcPercentFor(old int, lookup func(string) (string, bool)) int {
	if _, set := lookup("GOGC"); set {
		return old
	}
	return runningGCPercent
}

// stopGCForExit turns the garbage collector off for the rest of the
// process: sshdash is leaving, closing every session allocates little, and
// with a thousand sessions marking their heap was a quarter of the quit's
// CPU, which on a loaded machine stretched the wait for the terminal.
func stopGCForExit() { debug.SetGCPercent(-1) }
