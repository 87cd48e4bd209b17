// Package session owns SSH sessions: dialling (direct, ProxyJump,
// ProxyCommand), host-key verification against known_hosts, authentication,
// the PTY and remote shell, the heartbeat, the reconnect loop and reattach
// wrapper, the terminal emulator that keeps a background session's screen,
// and tunnels.
//
// A session runs in goroutines it owns under a context and publishes typed
// Events on a channel; it never imports a UI toolkit. Anything it needs from
// the user (a host key decision, a passphrase) is published as a Prompt and
// waits for an answer.
package session
