// Package keepalive is sshdash's heartbeat engine. It decides when to send
// an SSH-level heartbeat, measures round trips, counts missed beats and
// declares a link dead — and never writes anything to a terminal.
//
// It knows nothing about PTYs or user interfaces. Time comes from an
// injectable Clock so every transition is testable without sleeping
// (package clocktest has the fake clock).
//
// # Wiring one connection
//
// The SSH handshake and authentication run before any heartbeat may be
// sent, so the pieces are created in this order:
//
//	set := ...                                  // keepalive.Settings for the host
//	tcp, err := keepalive.Dialer(set, tcpKeepAlive).DialContext(ctx, "tcp", addr)
//	act := keepalive.NewActivity(clk)           // exists before the monitor
//	cc, chans, reqs, err := ssh.NewClientConn(keepalive.WatchConn(tcp, act), addr, cfg)
//	client := ssh.NewClient(cc, chans, reqs)    // authenticated from here on
//	mon := keepalive.NewMonitor(client, act, func(error) { client.Close() }, set, clk)
//	go mon.Run(ctx)                              // returns *DeadError when the link dies
//
// A connection not made by Dialer (ProxyCommand, ProxyJump) gets the TCP
// backstop with SetTCP where it is a socket at all (ErrNotTCP otherwise).
//
// # Modes
//
//   - probe (default): the SSH global request keepalive@openssh.com with
//     want-reply, sent only when nothing has been received from the server
//     for one Interval (OpenSSH's ServerAliveInterval). Any reply, success
//     or failure, means alive and its round trip is an RTT sample. Anything
//     received from the server resets the misses (so a late reply while
//     other traffic keeps arriving is not a miss). One probe is in flight
//     at a time. Each further Interval of silence while it is unanswered is a
//     miss: the first makes the link Stale (reported at the reply
//     deadline), the Count-th makes it Dead — the kill func closes the
//     connection, which also ends the goroutine blocked in SendRequest, and
//     Run returns a *DeadError. A silent peer is thus dead after
//     Settings.DeadAfter = Interval × (Count+1).
//   - noop: the same request without want-reply, once per Interval of
//     silence; no reply, no RTT, never Stale. A dead peer is then found by
//     TCP_USER_TIMEOUT (unacknowledged data ends the connection).
//   - tcp: kernel TCP keepalive only; the monitor sends nothing.
//   - off: nothing at the SSH level.
//
// Whatever the mode, Dialer enables kernel keepalive (idle = interval =
// Interval, Count probes, unless ssh_config says TCPKeepAlive no) and on
// Linux sets TCP_USER_TIMEOUT to DeadAfter.
//
// # Cost
//
// One probe exchange is ExchangeBytes (28) bytes of SSH payload: a 27-byte
// SSH_MSG_GLOBAL_REQUEST and a 1-byte reply. On the wire, with x/crypto's
// default aes128-gcm@openssh.com, that is 52 + 36 = 88 bytes of TCP
// payload (BenchmarkHeartbeatExchange measures it); a noop is 52.
package keepalive
