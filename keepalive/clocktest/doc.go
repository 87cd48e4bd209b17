// Package clocktest provides a fake keepalive.Clock for deterministic tests
// of the heartbeat engine and of anything else driven by a keepalive.Clock
// (the session layer's reconnect timers, for example).
//
// Time only moves when the test calls Advance. BlockUntil lets a test wait
// until the code under test has armed its timers, so a test never sleeps:
//
//	clk := clocktest.New(time.Unix(0, 0))
//	go engine.Run(ctx)        // arms a timer for 15 s
//	clk.BlockUntil(1)         // the engine is now waiting on it
//	clk.Advance(15 * time.Second)
//
// A timer that fires becomes inactive until it is Reset, so after an
// Advance that fired the engine's only timer, BlockUntil(1) returns once
// the engine has handled the event and re-armed.
package clocktest
