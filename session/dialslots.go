package session

import (
	"context"
	"sync"
	"time"

	"github.com/sshdash/sshdash/keepalive"
)

// First connections are paced: opening hundreds of sessions at once would
// start hundreds of TCP connects and SSH handshakes together. On a small
// machine they then all finish late (each handshake's CPU is shared by
// all), and a server that receives them all at once overflows its listen
// backlog and resets some. So at most maxDialSlots first dials run at once.
//
// A slot is held for at most dialSlotHold: a host that does not answer, or
// a dial waiting on a question to the user, must not hold back the others,
// so after that the dial goes on without its slot and the next one starts.
// Reconnects are not paced: during an outage each session's fast attempts
// stay pending until the network answers, and a restored link must be
// noticed at once.
const (
	maxDialSlots = 32
	dialSlotHold = time.Second
)

// dialSlots is a Manager's bound on concurrent first dials.
type dialSlots struct {
	clock keepalive.Clock
	hold  time.Duration
	slots chan struct{} // a token per dial in progress
}

func newDialSlots(clock keepalive.Clock, n int, hold time.Duration) *dialSlots {
	return &dialSlots{clock: clock, hold: hold, slots: make(chan struct{}, n)}
}

// acquire waits for a slot, or for ctx to end. The returned release frees
// the slot; it is safe to call more than once, and the slot is freed by
// itself after the hold time.
func (d *dialSlots) acquire(ctx context.Context) (release func()) {
	if d == nil {
		return func() {}
	}
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return func() {}
	}
	var once sync.Once
	free := func() { once.Do(func() { <-d.slots }) }
	t := d.clock.NewTimer(d.hold)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			free()
		case <-stop:
		}
	}()
	return func() {
		once.Do(func() {
			<-d.slots
			t.Stop()
			close(stop)
		})
	}
}
