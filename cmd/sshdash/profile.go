package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// profileEnv names a file for a CPU profile of the dashboard: with it set,
// SIGUSR1 writes a heap profile (FILE.heap0) and starts profiling into that
// file, and SIGUSR2 stops it and writes a heap profile beside it
// (FILE.heap): `go tool pprof -sample_index=alloc_space -base FILE.heap0
// FILE.heap` shows what was allocated in between. The many-sessions benchmark
// profiles its idle phase this way. Hidden: for
// measuring sshdash, not for users.
const profileEnv = "SSHDASH_CPUPROFILE"

// profileOnSignal installs the profiling signals when profileEnv is set
// and returns what undoes them (stopping a profile still running).
func profileOnSignal(getenv func(string) string) func() {
	path := getenv(profileEnv)
	if path == "" {
		return func() {}
	}
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGUSR1, syscall.SIGUSR2)
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var f *os.File
		stop := func() {
			if f != nil {
				pprof.StopCPUProfile()
				f.Close()
				f = nil
			}
		}
		defer stop()
		for {
			select {
			case s := <-sig:
				if s == syscall.SIGUSR2 {
					stop()
					writeHeapProfile(path+".heap", true)
					continue
				}
				if f != nil {
					continue
				}
				writeHeapProfile(path+".heap0", false) // the base for the allocations in between
				var err error
				if f, err = os.Create(path); err != nil {
					f = nil
					continue
				}
				if pprof.StartCPUProfile(f) != nil {
					f.Close()
					f = nil
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
		<-stopped
	}
}

// writeHeapProfile writes a heap profile to path and the runtime's memory
// figures (heap, the collector's next goal, stacks, goroutines, GC cycles)
// to path.txt and the
// goroutines grouped by stack to path.goroutines; gc collects
// first, for an up-to-date in-use figure (the base of an allocation delta
// skips it: a forced collection would be charged to the phase measured).
func writeHeapProfile(path string, gc bool) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	if gc {
		runtime.GC()
	}
	pprof.Lookup("heap").WriteTo(f, 0)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if g, err := os.Create(path + ".goroutines"); err == nil {
		pprof.Lookup("goroutine").WriteTo(g, 1) // grouped by stack, with counts
		g.Close()
	}
	os.WriteFile(path+".txt", fmt.Appendf(nil, "HeapAlloc %d KiB\nHeapInuse %d KiB\nHeapIdle %d KiB\nHeapReleased %d KiB\nNextGC %d KiB\nStackInuse %d KiB\nSys %d KiB\nGoroutines %d\nNumGC %d\n",
		ms.HeapAlloc>>10, ms.HeapInuse>>10, ms.HeapIdle>>10, ms.HeapReleased>>10, ms.NextGC>>10, ms.StackInuse>>10, ms.Sys>>10, runtime.NumGoroutine(), ms.NumGC), 0o600)
}
