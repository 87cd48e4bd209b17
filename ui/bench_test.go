package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/session"
)

// manySessions is a backend with n live sessions in mixed states.
func manySessions(n int) *fakeBackend {
	f := newDemoBackend()
	base := demoSessions()
	f.sessions = f.sessions[:0]
	for i := 0; i < n; i++ {
		s := base[i%len(base)]
		s.ID = i + 1
		s.Alias = fmt.Sprintf("host-%03d", i)
		hist := make([]time.Duration, 60)
		for j := range hist {
			hist[j] = time.Duration(20+(i*7+j*13)%40) * time.Millisecond
		}
		s.RTTHistory = hist
		f.sessions = append(f.sessions, s)
		f.screens[s.ID] = demoScreen()
	}
	f.nextID = n + 1
	return f
}

// BenchmarkView100Sessions renders the whole dashboard with 100 live
// sessions (the cache is bypassed, so every iteration renders). The target
// is well under 2 ms per frame; the figure is printed, never asserted.
func BenchmarkView100Sessions(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			d := newDriver(b, manySessions(100), sz[0], sz[1])
			d.keys("tab")
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = d.m.render()
			}
		})
	}
}

// BenchmarkView1000Sessions renders the dashboard with 1,000 hosts, each
// with a live session, at 120×40 (the cache bypassed), and takes the
// snapshot of all sessions that the 1 s tick takes.
func BenchmarkView1000Sessions(b *testing.B) {
	f := manySessions(1000)
	f.hosts = f.hosts[:0]
	for _, s := range f.sessions {
		f.hosts = append(f.hosts, Host{Alias: s.Alias, HostName: "10.0.0.1", User: "u"})
	}
	d := newDriver(b, f, 120, 40)
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = d.m.render()
		}
	})
	b.Run("tick", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.m.needRefresh = true
			d.m.Update(secondTickMsg{})
			_ = d.m.View()
		}
	})
}

// BenchmarkHeartbeatStorm is 100 sessions' heartbeats arriving between
// two 1 s ticks (which take the snapshot): Update plus the (cached) View
// the program calls after it.
func BenchmarkHeartbeatStorm(b *testing.B) {
	d := newDriver(b, manySessions(100), 160, 48)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d.m.Update(session.HeartbeatUpdate{ID: i%100 + 1})
		_ = d.m.View()
		if i%100 == 99 {
			d.m.Update(secondTickMsg{})
			_ = d.m.View()
		}
	}
}

var _ tea.Model = (*Model)(nil)
