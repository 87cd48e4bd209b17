package attach

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// whoWrites is a fakeSession that also records, for each write of keys,
// whether the terminal reader made it (the direct path) or the loop.
type whoWrites struct {
	*fakeSession
	mu     sync.Mutex // guards direct
	direct []bool
}

func (w *whoWrites) Write(p []byte) (int, error) {
	buf := make([]byte, 16<<10)
	st := string(buf[:runtime.Stack(buf, false)])
	w.mu.Lock()
	w.direct = append(w.direct, strings.Contains(st, "(*termReader).run"))
	w.mu.Unlock()
	return w.fakeSession.Write(p)
}

func (w *whoWrites) writes() []bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]bool(nil), w.direct...)
}

// Plain keys go from the terminal reader straight to the session; keys
// with the prefix, and any key while help is shown, go through the loop,
// and the order of everything typed is kept.
func TestPlainKeysSkipTheLoop(t *testing.T) {
	f, tm := &whoWrites{fakeSession: newFake()}, newTerminal(t)
	res := runAttach(t, f, tm, Options{Alias: "web1"})
	written := func() string { w, _, _, _ := f.snapshot(); return w }

	tm.master.Write([]byte("ab"))
	eventually(t, "plain keys", func() bool { return written() == "ab" })
	if d := f.writes(); len(d) != 1 || !d[0] {
		t.Fatalf("plain keys written by the reader: %v, want [true]", d)
	}

	// Help: the key that dismisses it is the loop's and is not sent.
	tm.master.Write([]byte("\x1e?"))
	eventually(t, "help", func() bool { return strings.Contains(tm.output(), "detach to the dashboard") })
	tm.master.Write([]byte("x"))
	eventually(t, "help dismissed", func() bool { _, a, _, _ := f.snapshot(); return a >= 2 })
	tm.master.Write([]byte("cd"))
	eventually(t, "keys after help", func() bool { return written() == "abcd" })
	if d := f.writes(); !d[len(d)-1] {
		t.Fatalf("keys after help was dismissed were not written directly: %v", d)
	}

	// Plain keys and literal prefixes (pressed twice) as fast as they
	// come: every byte in order, whichever path each took.
	var want strings.Builder
	want.WriteString("abcd")
	for i := range 300 {
		k := fmt.Sprintf("k%d", i%10)
		if i%7 == 0 {
			k += "\x1e\x1e"
		}
		tm.master.Write([]byte(k))
		want.WriteString(strings.ReplaceAll(k, "\x1e\x1e", "\x1e"))
	}
	eventually(t, "all keys in order", func() bool { return written() == want.String() })
	tm.master.Write([]byte("\x1ed"))
	waitResult(t, res, "detach")
}
