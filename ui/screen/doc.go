// Package screen draws a Bubble Tea program's view on the terminal when the
// view changed, instead of on a fixed-rate ticker.
//
// Bubble Tea v2.0.10's renderer wakes the process on every tick of its frame
// ticker (60 a second by default), changed frame or not, and the ticker
// cannot be paused; on an idle dashboard those wakeups were most of the CPU.
// A Screen replaces that renderer: the program runs with
// tea.WithoutRenderer, its model is wrapped (Screen.Wrap), and after each
// message the wrapper draws the model's view at once when it changed and
// the last frame is at least a frame interval old, or else once when that
// interval has passed. An idle program is not woken at all; a key's frame is
// written as soon as its message is handled.
//
// A Screen owns the terminal while the program runs: raw mode, the
// alternate screen, the hidden cursor, mouse reporting, bracketed paste and
// the window title (tea.WithoutRenderer leaves all of those undone), the
// window size (SIGWINCH), and writes outside frames (Screen.WriteRaw: bells,
// notifications, the background colour query). Screen.Exec hands the whole terminal to a tea.Exec
// command and takes it back afterwards; Screen.Close gives it back for good.
//
// The diffing itself is ultraviolet's TerminalRenderer, the engine Bubble
// Tea's own renderer uses, so what reaches the terminal per frame is the same
// kind of minimal update.
//
// # Goroutines
//
// Everything that draws runs on the program's event loop goroutine: the
// wrapper's Update, and Screen.Exec's hand-over (Bubble Tea runs an exec
// command on that goroutine). Start comes before Program.Run and Close after
// it returns. The only goroutine of its own is the SIGWINCH listener, which
// reads the size and sends it to the program; Close stops it and waits.
package screen
