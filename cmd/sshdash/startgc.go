package main

import "runtime/debug"

// startupGCPercent is the garbage collector's GOGC while the dashboard
// loads a configuration and builds its first frame. Loading keeps most of
// what it allocates (the parsed files, a resolved entry per host), so the
// default pace collected several times for little while the first frame
// waited; 5,000 hosts then peak at a few MiB more.
const startupGCPercent = 400

// startupGC raises GOGC to startupGCPercent and returns the function that
// puts back what was in force (GOGC from the environment, or the default).
func startupGC() (restore func()) {
	old := debug.SetGCPercent(startupGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// stopGCForExit turns the garbage collector off for the rest of the
// process: sshdash is leaving, closing every session allocates little, and
// with a thousand sessions marking their heap was a quarter of the quit's
// CPU, which on a loaded machine stretched the wait for the terminal.
func stopGCForExit() { debug.SetGCPercent(-1) }
