// Package watch evaluates per-session watchers and formats the
// notifications they raise: the session dropped, came back, failed for
// good, its command exited, its output matched a regular expression, or it
// has been silent for a while after output (tmux's monitor-silence, across
// hosts).
//
// It is pure logic below the UI: a Watcher is fed by its session (output
// bytes, state transitions, the exit status) through calls that never
// block, evaluates on a goroutine of its own with an injected
// keepalive.Clock, and hands each Alert to a function that must not block
// either (a Center, which queues them for the dashboard and the attached
// terminal). It imports neither the session layer nor Bubble Tea.
package watch
