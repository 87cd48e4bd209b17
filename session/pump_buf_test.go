package session

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sshdash/sshdash/session/vt"
)

// An idle session waits for output with a small buffer (pumpBufMin, not
// the transport's readBufMin): the pump's read is where each of a
// thousand idle shells spends its life. Bulk output still grows it to
// large reads, and it comes back down afterwards; every byte reaches the
// screen in order.
func TestPumpWaitsWithASmallBuffer(t *testing.T) {
	cc := &chunkConn{err: io.EOF}
	var all bytes.Buffer
	add := func(p []byte) {
		cc.chunks = append(cc.chunks, p)
		all.Write(p)
	}
	add([]byte("user@host:~$ "))
	for _, c := range "ls -l" {
		add([]byte(string(c)))
	}
	line := []byte(strings.Repeat("x", 79) + "\r\n")
	for range 8 { // a burst of 8 × 64 KiB, each chunk waiting in full
		add(bytes.Repeat(line, 64<<10/len(line)))
	}
	for range 3 * shrinkAfter * 10 {
		add([]byte("y"))
	}
	add([]byte("\r\nthe end"))

	h := newHub()
	s := &Session{id: 1, pub: publisher{h: h, box: &mailbox{id: 1}}, screen: vt.New(80, 24)}
	defer s.stopOutputAnnouncer()
	method := make(chan string, 1)
	within(t, "pumping", 30*time.Second, func() { s.pumpOutput(&link{stdout: cc}, method) })

	reads := cc.reads
	if reads[0] > pumpBufMin {
		t.Errorf("the first read (an idle shell's) asked for %d bytes, want at most %d", reads[0], pumpBufMin)
	}
	if m := maxInt(reads); m < 64<<10 {
		t.Errorf("bulk output was read at most %d bytes at a time, want the buffer grown to at least 64 KiB", m)
	}
	if last := reads[len(reads)-1]; last > pumpBufMin {
		t.Errorf("after the bulk, small output is read with %d bytes, want back at %d", last, pumpBufMin)
	}
	if got := s.bytesIn.Load(); got != uint64(all.Len()) {
		t.Errorf("pumped %d bytes, want %d", got, all.Len())
	}
	if got := strings.Join(s.screen.Lines(), "\n"); !strings.Contains(got, "the end") {
		t.Errorf("the screen does not end with the last output:\n%s", got)
	}
}

func maxInt(v []int) int {
	m := 0
	for _, x := range v {
		m = max(m, x)
	}
	return m
}
