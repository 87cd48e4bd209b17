package main

import (
	"io"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sshdash/sshdash/ui"
)

// BenchmarkFirstFrameInProcess is the dashboard's start-up work on 5,000
// hosts in 10 included files, in-process: load the configuration and
// settings, list and resolve the hosts, build the model, size it and
// render the first frame. BenchmarkFirstFrame times the same as a whole
// process; this one is for profiling:
//
//	go test -run '^$' -bench FirstFrameInProcess -cpuprofile cpu.out ./cmd/sshdash/
func BenchmarkFirstFrameInProcess(b *testing.B) {
	dir := b.TempDir()
	big := writeBigConfig(b, dir)
	getenv := func(k string) string {
		switch k {
		case "HOME":
			return dir
		case "XDG_CONFIG_HOME", "XDG_STATE_HOME":
			return filepath.Join(dir, "missing")
		}
		return ""
	}
	b.ReportAllocs()
	for range b.N {
		e := &env{stdout: io.Discard, stderr: io.Discard, getenv: getenv}
		a, err := newApp(e, big)
		if err != nil {
			b.Fatal(err)
		}
		be := newBackend(a)
		um := ui.New(ui.Options{Backend: be, ThemeName: a.themeName(), Looked: a.looked(), Logger: a.log})
		var m tea.Model = &um
		m.Init()
		m, _ = m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		if v := m.View(); v.Content == "" {
			b.Fatal("empty first frame")
		}
	}
}
