// Package attach gives the user's real terminal to one session: raw mode,
// keystrokes to the remote PTY, remote output to the screen, resizes
// forwarded, and a prefix key (default ctrl+^, as in mosh) for sshdash's own
// commands: detach, next/previous session, jump, reconnect now, close, help,
// and [ for the scrollback view of the session's history (scrollview.go).
//
// It owns the input reader (a cancellable reader, never os.Stdin handed to a
// session: golang/go#41390) so attaching ends cleanly, and it always leaves
// the terminal as it found it. On Linux the reader waits for keys in the Go
// runtime's poller (input_linux.go), so no thread sits in a blocking system
// call while attached.
package attach
