package ui

import (
	"fmt"
	"testing"
)

// nopBroadcaster takes every write at once.
type nopBroadcaster struct{}

func (nopBroadcaster) SendIfUp(int, []byte) error { return nil }
func (nopBroadcaster) ScreenText(int) []string    { return nil }
func (nopBroadcaster) Note(int, string)           {}

// BenchmarkBroadcastSendAll: the dashboard's own cost of one broadcast
// line to n sessions (goroutine per session, results gathered), without
// the sessions' writes.
func BenchmarkBroadcastSendAll(b *testing.B) {
	for _, n := range []int{3, 100, 1000} {
		b.Run(fmt.Sprintf("%d", n), func(b *testing.B) {
			targets := make([]bcTarget, n)
			for i := range targets {
				targets[i] = bcTarget{i + 1, fmt.Sprintf("h%d", i)}
			}
			pw := &pendingWrites{ids: map[int]bool{}}
			p := []byte("uptime\r")
			b.ReportAllocs()
			for b.Loop() {
				sendAll(nopBroadcaster{}, pw, targets, p)
			}
		})
	}
}

// BenchmarkOutputAfter: reading one session's output after a line on a
// full 50×200 screen.
func BenchmarkOutputAfter(b *testing.B) {
	screen := make([]string, 50)
	for i := range screen {
		screen[i] = fmt.Sprintf("line %d of some output that fills a wide terminal row with text %0150d", i, i)
	}
	screen[30] = "deploy@web1.example.com:~$ systemctl status nginx --no-pager"
	names := []string{"web1", "web1.example.com", "web1"}
	b.ReportAllocs()
	for b.Loop() {
		outputAfter(screen, "systemctl status nginx --no-pager", names)
	}
}
