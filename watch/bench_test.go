package watch

import (
	"regexp"
	"strings"
	"testing"
)

// benchText is 32 KiB of shell-like output with colour, none matching.
func benchText() []byte {
	var b strings.Builder
	for b.Len() < 32<<10 {
		b.WriteString("\x1b[32m2026-01-02 03:04:05\x1b[0m INFO request served in 12ms path=/api/v1/items status=200\r\n")
	}
	return []byte(b.String()[:32<<10])
}

// BenchmarkOutputMatchOn is the session side of a match watcher: the
// cost Output adds to the output pump per 32 KiB chunk (lock, copy and
// wake; the matching runs on the watcher's goroutine). The buffer is
// emptied after each call, as by a goroutine that keeps up, so every call
// copies.
func BenchmarkOutputMatchOn(b *testing.B) {
	spec, _ := Parse([]string{"match=ERROR|panic"})
	w := New(Config{}, spec)
	defer w.Close()
	p := benchText()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		w.Output(p)
		w.mu.Lock()
		w.pending = w.pending[:0]
		w.mu.Unlock()
	}
}

// BenchmarkOutputBehind is Output while the watcher's goroutine is far
// behind: the chunk is dropped, not copied.
func BenchmarkOutputBehind(b *testing.B) {
	spec, _ := Parse([]string{"match=ERROR|panic"})
	w := New(Config{}, spec)
	defer w.Close()
	p := benchText()
	w.mu.Lock()
	w.pending = make([]byte, maxPending)
	w.mu.Unlock()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		w.Output(p)
	}
}

// BenchmarkOutputOff is Output with no watcher that needs output.
func BenchmarkOutputOff(b *testing.B) {
	spec, _ := Parse([]string{"drop", "back"})
	w := New(Config{}, spec)
	defer w.Close()
	p := benchText()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		w.Output(p)
	}
}

// BenchmarkSplitAndMatch is the watcher goroutine's work per byte: line
// splitting without escapes and a regexp per line.
func BenchmarkSplitAndMatch(b *testing.B) {
	m := newMatcher(regexp.MustCompile("ERROR|panic"))
	p := benchText()
	var s lineSplitter
	n := 0
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		s.feed(p, func(l []byte) {
			if m.match(l) {
				n++
			}
		})
	}
	if n != 0 {
		b.Fatal("matched")
	}
}
