package main

import (
	"io"
	"testing"
)

// BenchmarkListCommand runs "sshdash list -F" on 5,000 hosts in 10
// Includes in-process (load, resolve, heartbeat per host, the table), the
// work the whole-process figure in BenchmarkStartup times, for profiling:
//
//	go test -run '^$' -bench ListCommand -cpuprofile cpu.out -memprofile mem.out ./cmd/sshdash/
func BenchmarkListCommand(b *testing.B) {
	dir := b.TempDir()
	big := writeBigConfig(b, dir)
	getenv := func(k string) string {
		switch k {
		case "HOME":
			return dir
		case "XDG_CONFIG_HOME":
			return dir + "/missing"
		}
		return ""
	}
	b.ReportAllocs()
	for range b.N {
		e := &env{stdout: io.Discard, stderr: io.Discard, getenv: getenv}
		if rc := runList([]string{"-F", big}, e); rc != 0 {
			b.Fatalf("list exited %d", rc)
		}
	}
}
