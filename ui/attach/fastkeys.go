package attach

import (
	"bytes"
	"sync"
)

// Keys straight from the terminal reader to the session.
//
// A key used to cross two goroutines before it left: the terminal reader
// handed each read to the attach loop, which wrote it to the session. ssh
// reads the key and writes it to the socket in one loop. While the attach
// is in its plain state (no scrollback view, question, help overlay or
// notice; no prefix key pending) a read without the prefix key needs none
// of the loop's state, so the reader writes it to the session itself.
//
// Order and state stay the loop's: the reader turns the direct path off
// before it hands a read over, and the loop turns it off while it handles
// anything (waiting for a direct write in progress) and back on only in
// the plain state, after it has handled everything it was handed.

// directKeys is the switch between the reader's direct path and the loop.
type directKeys struct {
	s      Session
	prefix byte

	mu sync.Mutex // guards on; held across a direct write
	on bool       // the reader may write plain keys itself
}

// write sends p to the session if the direct path is on and p holds no
// prefix key; it reports whether it did. Otherwise the direct path is
// turned off and p is the loop's (which also counts a failed write).
func (d *directKeys) write(p []byte) bool {
	if d == nil {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.on && bytes.IndexByte(p, d.prefix) < 0 {
		if _, err := d.s.Write(p); err == nil {
			return true
		}
	}
	d.on = false
	return false
}

// pause turns the direct path off for the loop, waiting for a direct
// write in progress.
func (d *directKeys) pause() {
	d.mu.Lock()
	d.on = false
	d.mu.Unlock()
}

// resume turns the direct path on if the loop is in its plain state.
func (d *directKeys) resume(plain bool) {
	d.mu.Lock()
	d.on = plain
	d.mu.Unlock()
}

// plain reports whether a read of keys without the prefix would be
// handled as nothing but a write to the session (see input).
func (a *attached) plain() bool {
	return a.view == nil && !a.asking && !a.help && !a.noticeShown && a.noticeEnd.IsZero() && !a.parser.armed
}
