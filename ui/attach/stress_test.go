package attach

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// goroutines is every goroutine's stack, for a watchdog's failure message.
func goroutines() string {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 2)
	return b.String()
}

// Keys and pastes that arrive while an attach ends and right after it
// (a paste still streaming in, a held key, a mouse report right behind
// prefix d, the session ending or the context being cancelled under a
// flood) never block Run: the key reader may hold a read nobody will take.
// 1,000 attaches on one real PTY; a watchdog fails with every goroutine's
// stack if one does not end.
func TestRunNeverBlocksOnKeysAroundDetach(t *testing.T) {
	tm := newTerminal(t)
	before := runtime.NumGoroutine()
	paste := "\x1b[200~" + strings.Repeat("pasted text ", 200) + "\x1b[201~"
	const iterations = 1000
	for i := range iterations {
		f := newFake()
		ctx, cancel := context.WithCancel(context.Background())
		res := make(chan error, 1)
		go func() {
			_, err := Run(ctx, f, Options{In: tm.tty, Out: tm.tty, Alias: "web1", Resized: make(chan os.Signal)})
			res <- err
		}()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, a, _, _ := f.snapshot(); a > 0 {
				break
			}
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("iteration %d: the attach did not start\n%s", i, goroutines())
			}
			time.Sleep(100 * time.Microsecond)
		}
		// What arrives around the end of the attach; after it ends only a
		// little (under the PTY's input buffer), so that nothing here
		// waits for a reader.
		var during, after []string
		switch i % 5 {
		case 0: // a paste streaming in, the detach behind it, a held key after
			during = []string{paste[:1500], paste[1500:], "\x1ed"}
			after = []string{"jjjj", "j", "j"}
		case 1: // a mouse report in the same read as the detach, and more after
			during = []string{"ls\r", "\x1ed\x1b[<0;10;5M"}
			after = []string{"\x1b[<0;11;5m", "\x1b[<64;11;5M"}
		case 2: // the detach, then a paste
			during = []string{"\x1ed"}
			after = []string{"\x1b[200~after the detach\x1b[201~"}
		case 3: // the session ends under a flood of keys
			during = []string{strings.Repeat("k", 500), strings.Repeat("k", 500)}
			after = []string{"kkkk"}
		case 4: // the context is cancelled under a flood of keys
			during = []string{strings.Repeat("c", 500), strings.Repeat("c", 500)}
			after = []string{"cccc"}
		}
		for _, k := range during {
			tm.master.Write([]byte(k))
		}
		switch i % 5 {
		case 3:
			close(f.done)
		case 4:
			cancel()
		}
		for _, k := range after {
			tm.master.Write([]byte(k))
		}
		select {
		case err := <-res:
			if err != nil {
				t.Fatalf("iteration %d: Run: %v", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("iteration %d: Run did not return after the attach ended; goroutines:\n%s", i, goroutines())
		}
		cancel()
	}
	// Every attach's reader is gone.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after %d attaches:\n%s", before, runtime.NumGoroutine(), iterations, goroutines())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
