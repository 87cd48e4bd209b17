package leftover

import "runtime"

// runtimeStack writes every goroutine's stack into buf (watchdogs).
func runtimeStack(buf []byte) int { return runtime.Stack(buf, true) }
