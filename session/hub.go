// Event delivery: per-session coalescing mailboxes drained by one
// dispatcher, so no session ever waits for the consumer.

package session

import (
	"context"
	"sync"
	"time"
)

// logRing bounds the log entries a mailbox keeps for a consumer that is
// not reading; older ones are counted in Logged.Missed (Session.Log keeps
// the whole log).
const logRing = 32

// heartbeatBatch is how long a heartbeat figure may wait for the
// dispatcher by default (Manager.SetHeartbeatDelivery changes it). A
// heartbeat does not wake it at once: with a thousand sessions that was
// two hundred wakeups of the dispatcher and of the consumer a second.
// Everything else wakes it at once, and takes the heartbeats pending
// along. The round trip itself is measured before, so
// only its display waits.
const heartbeatBatch = 100 * time.Millisecond

// maxPendingStates bounds the undelivered state changes of one session.
// A consumer that keeps reading sees every transition; beyond this many
// the latest ones coalesce, so the last one delivered is always the
// session's latest state.
const maxPendingStates = 8

// maxPendingPrompts bounds the undelivered prompts of one session. A
// session waits on one prompt at a time, and a prompt that was answered,
// cancelled or given up on is dropped before delivery, so more than one is
// never pending in practice; the bound is a backstop.
const maxPendingPrompts = 4

// hub holds every session's undelivered events and hands them to the
// consumer through one channel. Publishers only update a mailbox and
// signal; the dispatcher goroutine is the only one that waits for the
// consumer. What a consumer that stops reading costs is bounded by the
// number of sessions: each mailbox keeps the latest few state changes
// (the very latest always), the latest heartbeat, an output flag, a ring
// of log entries and the prompts still waiting for an answer.
type hub struct {
	out  chan Event
	wake chan struct{} // buffered 1: something was published

	mu sync.Mutex // guards the mailboxes' contents, both queues, hbArmed, hbWait and afterFunc
	// hbArmed: a timer will wake the dispatcher for the heartbeats posted
	// since the last one (hbWait).
	hbArmed bool
	hbWait  time.Duration // how long a heartbeat may wait (heartbeatBatch unless set)
	// afterFunc arms the heartbeat timer: time.AfterFunc (tests record
	// the wait and fire it themselves).
	afterFunc func(time.Duration, func())
	urgent    []*mailbox // sessions with a state change or prompt pending, round-robin
	normal    []*mailbox // sessions with heartbeats, output or log entries pending
}

// mailbox is one session's undelivered events; its fields are guarded by
// hub.mu.
type mailbox struct {
	id int

	// states are in order; when full, the last one coalesces (the From of
	// the first merged, the rest of the latest). Like logs, nil once
	// delivered: a mailbox lives as long as its session and is empty
	// nearly all of that time, so an idle one holds no arrays (see
	// release).
	states  []StateChanged
	prompts []*Prompt
	hb      HeartbeatUpdate // valid when hasHB
	hasHB   bool
	output  bool
	logs    []LogEntry // undelivered log entries, oldest first, at most logRing
	missed  int        // log entries dropped since the last delivery

	inUrgent, inNormal bool // queued in hub.urgent / hub.normal
}

func newHub() *hub {
	return &hub{out: make(chan Event), wake: make(chan struct{}, 1), hbWait: heartbeatBatch,
		afterFunc: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

func (h *hub) signal() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// enqueue puts b on the queues its contents call for. h.mu must be held.
func (h *hub) enqueue(b *mailbox) {
	if !b.inUrgent && (len(b.states) > 0 || len(b.prompts) > 0) {
		b.inUrgent = true
		h.urgent = append(h.urgent, b)
	}
	if !b.inNormal && (b.hasHB || b.output || len(b.logs) > 0) {
		b.inNormal = true
		h.normal = append(h.normal, b)
	}
}

// post applies f to b's contents and wakes the dispatcher. It never waits
// for the consumer.
func (h *hub) post(b *mailbox, f func(b *mailbox)) {
	h.mu.Lock()
	f(b)
	h.enqueue(b)
	h.mu.Unlock()
	h.signal()
}

func (h *hub) stateChanged(b *mailbox, e StateChanged) {
	h.post(b, func(b *mailbox) {
		if n := len(b.states); n == maxPendingStates {
			e.From = b.states[n-1].From
			b.states[n-1] = e
			return
		}
		b.states = append(b.states, e)
	})
}

func (h *hub) prompt(b *mailbox, p *Prompt) {
	h.post(b, func(b *mailbox) {
		keep := b.prompts[:0]
		for _, q := range b.prompts {
			if !q.isSettled() {
				keep = append(keep, q)
			}
		}
		b.prompts = append(keep, p)
		if n := len(b.prompts); n > maxPendingPrompts {
			clear(b.prompts[:n-maxPendingPrompts])
			b.prompts = append(b.prompts[:0], b.prompts[n-maxPendingPrompts:]...)
		}
	})
}

func (h *hub) heartbeat(b *mailbox, e HeartbeatUpdate) {
	h.mu.Lock()
	b.hb, b.hasHB = e, true
	h.enqueue(b)
	arm := !h.hbArmed
	h.hbArmed = true
	wait, after := h.hbWait, h.afterFunc
	h.mu.Unlock()
	if arm {
		after(wait, func() {
			h.mu.Lock()
			h.hbArmed = false
			h.mu.Unlock()
			h.signal()
		})
	}
}

func (h *hub) outputArrived(b *mailbox) {
	h.post(b, func(b *mailbox) { b.output = true })
}

func (h *hub) logged(b *mailbox, e LogEntry) {
	h.post(b, func(b *mailbox) {
		if n := len(b.logs); n == logRing { // drop the oldest, in place
			copy(b.logs, b.logs[1:])
			b.logs[n-1] = e
			b.missed++
			return
		}
		b.logs = append(b.logs, e)
	})
}

// forget drops what a removed session had pending except its state
// changes, so a consumer still learns how it ended.
func (h *hub) forget(b *mailbox) {
	h.mu.Lock()
	for _, p := range b.prompts {
		p.Cancel()
	}
	b.prompts, b.hb, b.hasHB, b.output = nil, HeartbeatUpdate{}, false, false
	b.logs, b.missed = nil, 0
	h.mu.Unlock()
}

// release drops the first n items of q (delivered or overwritten) and
// returns the rest. The dropped slots are zeroed, so they keep nothing
// alive, and an emptied queue is nil: its array goes with the last item.
// An append that finds the array's end reallocates for about twice the
// items then queued, so a queue's array stays a small multiple of what it
// holds (at most logRing, maxPendingStates or maxPendingPrompts items).
func release[T any](q []T, n int) []T {
	clear(q[:n])
	if n == len(q) {
		return nil
	}
	return q[n:]
}

// pending counts b's undelivered items (for tests and the soak's bounds).
func (h *hub) pending(b *mailbox) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(b.states) + len(b.prompts) + len(b.logs)
	if b.hasHB {
		n++
	}
	if b.output {
		n++
	}
	return n
}

// next takes the event to deliver next: state changes and prompts first,
// one per session in turn, then heartbeats, output and log entries, one
// per session in turn. ok is false when nothing is pending.
func (h *hub) next() (ev Event, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.urgent) > 0 {
		b := h.urgent[0]
		h.urgent[0] = nil
		h.urgent = h.urgent[1:]
		b.inUrgent = false
		switch {
		case len(b.states) > 0:
			ev = b.states[0]
			b.states = release(b.states, 1)
		default:
			for len(b.prompts) > 0 && ev == nil {
				p := b.prompts[0]
				b.prompts = release(b.prompts, 1)
				if !p.isSettled() { // nobody waits for an answer any more
					ev = PromptRequested{ID: b.id, Prompt: p}
				}
			}
		}
		h.enqueue(b)
		if ev != nil {
			return ev, true
		}
	}
	for len(h.normal) > 0 {
		b := h.normal[0]
		h.normal[0] = nil
		h.normal = h.normal[1:]
		b.inNormal = false
		switch {
		case len(b.logs) > 0:
			ev = Logged{ID: b.id, Entry: b.logs[0], Missed: b.missed}
			b.logs = release(b.logs, 1)
			b.missed = 0
		case b.hasHB:
			ev, b.hb, b.hasHB = b.hb, HeartbeatUpdate{}, false
		case b.output:
			ev, b.output = OutputArrived{ID: b.id}, false
		}
		h.enqueue(b)
		if ev != nil {
			return ev, true
		}
	}
	return nil, false
}

// run delivers events until ctx ends. It holds at most one event while the
// consumer is not reading.
func (h *hub) run(ctx context.Context) {
	for {
		ev, ok := h.next()
		if !ok {
			select {
			case <-h.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case h.out <- ev:
		case <-ctx.Done():
			return
		}
	}
}
