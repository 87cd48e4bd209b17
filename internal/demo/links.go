package demo

import (
	"context"
	"net"
	"sync"
	"time"
)

// slowConn delays everything the server reads by a fixed amount, adding
// that much to every round trip.
type slowConn struct {
	net.Conn
	delay time.Duration
}

func (c slowConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		time.Sleep(c.delay)
	}
	return n, err
}

// flakyLink is a link that is up for a while, then silent for a while,
// over and over, like a Wi-Fi that drops out. While silent, nothing moves
// in either direction and no error is reported, as with a real outage. A
// connection that was open when the silence began is dead afterwards (the
// way a NAT forgets it); connections opened during the silence wait and
// then work.
type flakyLink struct {
	up, silent time.Duration

	mu       sync.Mutex    // guards epoch, isSilent and resume
	epoch    int           // number of silences begun so far
	isSilent bool          // a silence is in progress
	resume   chan struct{} // closed when the current silence ends
}

func newFlakyLink(up, silent time.Duration) *flakyLink {
	return &flakyLink{up: up, silent: silent}
}

// run drives the up/silent cycle until ctx ends.
func (l *flakyLink) run(ctx context.Context) {
	for {
		select {
		case <-time.After(l.up):
		case <-ctx.Done():
			l.setSilent(false)
			return
		}
		l.setSilent(true)
		select {
		case <-time.After(l.silent):
		case <-ctx.Done():
			l.setSilent(false)
			return
		}
		l.setSilent(false)
	}
}

func (l *flakyLink) setSilent(s bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s == l.isSilent {
		return
	}
	l.isSilent = s
	if s {
		l.epoch++
		l.resume = make(chan struct{})
	} else {
		close(l.resume)
	}
}

// state returns the current epoch and, during a silence, the channel that
// closes when it ends.
func (l *flakyLink) state() (int, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.isSilent {
		return l.epoch, l.resume
	}
	return l.epoch, nil
}

// wrap gives a server-side connection the link's faults.
func (l *flakyLink) wrap(c net.Conn) net.Conn {
	epoch, resume := l.state()
	if resume != nil {
		// Born during a silence: it belongs to the next up period.
		<-resume
		epoch, _ = l.state()
	}
	return &flakyConn{Conn: c, link: l, born: epoch}
}

type flakyConn struct {
	net.Conn
	link *flakyLink
	born int // the epoch the connection was made in
}

// gate blocks during a silence and reports whether the connection died in one.
func (c *flakyConn) gate() error {
	for {
		epoch, resume := c.link.state()
		if resume != nil {
			<-resume
			continue
		}
		if epoch != c.born {
			c.Conn.Close()
			return net.ErrClosed
		}
		return nil
	}
}

func (c *flakyConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if gerr := c.gate(); gerr != nil {
		return 0, gerr
	}
	return n, err
}

func (c *flakyConn) Write(p []byte) (int, error) {
	if err := c.gate(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
