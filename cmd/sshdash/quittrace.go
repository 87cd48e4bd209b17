package main

import (
	"log/slog"
	"sync"
	"time"
)

// logLevelEnv set to "debug" makes sshdash's log keep debug records too,
// among them the quit path's phases with the time since the quit began
// (see quitTrace).
const logLevelEnv = "SSHDASH_LOG_LEVEL"

// logLevel is the level for sshdash's log from getenv.
func logLevel(getenv func(string) string) slog.Level {
	if getenv(logLevelEnv) == "debug" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// quitTrace logs, at debug level, each phase of leaving the dashboard with
// the time since the quit began, so where the seconds of a slow quit go
// can be read from the log (SSHDASH_LOG_LEVEL=debug).
type quitTrace struct {
	log *slog.Logger
	mu  sync.Mutex       // guards t0
	t0  time.Time        // when the quit began (the first mark); zero before
	now func() time.Time // the clock
}

// newQuitTrace returns a trace logging to log.
func newQuitTrace(log *slog.Logger) *quitTrace {
	return &quitTrace{log: log, now: time.Now}
}

// mark logs that phase is reached; the first mark starts the clock.
func (q *quitTrace) mark(phase string) {
	if q == nil {
		return
	}
	now := q.now()
	q.mu.Lock()
	if q.t0.IsZero() {
		q.t0 = now
	}
	since := now.Sub(q.t0)
	q.mu.Unlock()
	q.log.Debug("quit", "phase", phase, "since", since.Round(time.Millisecond))
}

// after runs f and marks phase once it has returned.
func (q *quitTrace) after(phase string, f func()) {
	f()
	q.mark(phase)
}
