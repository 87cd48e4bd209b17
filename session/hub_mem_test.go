package session

import (
	"fmt"
	"testing"
	"time"
	"unsafe"
)

// A mailbox lives as long as its session and is empty nearly all of that
// time: once what was published has been delivered it holds no arrays,
// and the mailbox itself is small (it kept a 32-entry log ring inline:
// 1.6 KB a session at rest).
func TestHubDeliveredMailboxHoldsNoArrays(t *testing.T) {
	if sz := unsafe.Sizeof(mailbox{}); sz > 512 {
		t.Errorf("a mailbox is %d bytes at rest, want at most 512", sz)
	}
	h := newHub()
	b := &mailbox{id: 1}
	p := publisher{h: h, box: b}
	for i := range 5 {
		p.publish(StateChanged{ID: 1, To: Connecting, Stage: StageTCP, At: time.Unix(int64(i), 0)})
		p.publish(Logged{ID: 1, Entry: LogEntry{Text: fmt.Sprintf("entry %d", i)}})
	}
	p.publish(PromptRequested{ID: 1, Prompt: NewPrompt(PromptPassword, "h", "password?")})
	p.publish(HeartbeatUpdate{ID: 1})
	p.publish(OutputArrived{ID: 1})
	var states, logs, prompts int
	for {
		ev, ok := h.next()
		if !ok {
			break
		}
		switch ev.(type) {
		case StateChanged:
			states++
		case Logged:
			logs++
		case PromptRequested:
			prompts++
		}
	}
	if states != 5 || logs != 5 || prompts != 1 {
		t.Fatalf("delivered %d states, %d logs, %d prompts; want 5, 5, 1", states, logs, prompts)
	}
	if b.states != nil || b.logs != nil || b.prompts != nil {
		t.Errorf("a delivered mailbox still holds arrays: states cap %d, logs cap %d, prompts cap %d",
			cap(b.states), cap(b.logs), cap(b.prompts))
	}
}

// While nobody reads, a mailbox's queues keep their bounds in items (see
// TestHubNobodyReadsStaysBounded) and their arrays stay a small multiple
// of that: dropping the oldest entry does not leave a growing array
// behind. The entries missed are still counted, and the latest kept.
func TestHubUnreadQueuesKeepSmallArrays(t *testing.T) {
	h := newHub()
	b := &mailbox{id: 1}
	p := publisher{h: h, box: b}
	const n = 10 * logRing
	for i := range n {
		p.publish(Logged{ID: 1, Entry: LogEntry{At: time.Unix(int64(i), 0), Text: "x"}})
		p.publish(StateChanged{ID: 1, To: State(i % int(Closed))})
		if c := cap(b.logs); c > 2*logRing {
			t.Fatalf("after %d log entries the queue's array holds %d, want at most %d", i+1, c, 2*logRing)
		}
		if c := cap(b.states); c > 2*maxPendingStates {
			t.Fatalf("after %d state changes the queue's array holds %d, want at most %d", i+1, c, 2*maxPendingStates)
		}
	}
	first := true
	var last LogEntry
	for {
		ev, ok := h.next()
		if !ok {
			break
		}
		if l, ok := ev.(Logged); ok {
			if first && l.Missed != n-logRing {
				t.Errorf("first delivered entry says %d missed, want %d", l.Missed, n-logRing)
			}
			first = false
			last = l.Entry
		}
	}
	if want := time.Unix(n-1, 0); !last.At.Equal(want) {
		t.Errorf("last delivered entry is from %v, want the latest, %v", last.At, want)
	}
}
