package watch

import (
	"runtime"
	"testing"
)

// A watcher of nothing (most sessions') holds no goroutine and no
// channels: what a thousand idle sessions' watchers keep is their
// settings and little more.
func TestIdleWatcherIsSmall(t *testing.T) {
	const n = 1000
	ws := make([]*Watcher, n)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	for i := range ws {
		ws[i] = New(Config{Alias: "host"}, Spec{Drop: true})
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	per := (int64(m1.HeapAlloc) - int64(m0.HeapAlloc)) / n
	for _, w := range ws {
		if running(w) {
			t.Fatal("a watcher of state changes started its goroutine")
		}
		w.Close()
	}
	t.Logf("%d bytes per idle watcher", per)
	if per > 384 {
		t.Errorf("an idle watcher keeps %d bytes, want at most 384", per)
	}
}
