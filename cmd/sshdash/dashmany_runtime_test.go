package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runtimeFigures are the dashboard's own memory figures, as its profile
// hook writes them (see writeHeapProfile) after a forced collection: the
// live heap (HeapAlloc), the collector's next goal (NextGC), goroutine
// stacks, goroutines; in KiB but Goroutines. Unlike RSS they do not
// depend on where the heap happens to be between collections.
type runtimeFigures map[string]int64

// snapRuntime has the dashboard child write its figures now (SIGUSR1 then
// SIGUSR2 of the profile hook) and returns them; nil if it did not within
// 30 s. The hook's files at prof are overwritten.
func snapRuntime(child int, prof string) runtimeFigures {
	os.Remove(prof + ".heap.txt")
	syscall.Kill(child, syscall.SIGUSR1)
	time.Sleep(100 * time.Millisecond)
	syscall.Kill(child, syscall.SIGUSR2)
	return waitRuntime(prof + ".heap.txt")
}

// waitRuntime reads the figures from path once the hook has written them
// all (the last is NumGC), waiting up to 30 s; nil if it did not.
func waitRuntime(path string) runtimeFigures {
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		data, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(data), "NumGC ") {
			continue
		}
		f := runtimeFigures{}
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, " "); ok {
				n, _ := strconv.ParseInt(strings.TrimSuffix(v, " KiB"), 10, 64)
				f[k] = n
			}
		}
		return f
	}
	return nil
}

// perSession is (f[k] - base[k]) / n.
func (f runtimeFigures) perSession(base runtimeFigures, k string, n int) float64 {
	return float64(f[k]-base[k]) / float64(n)
}
