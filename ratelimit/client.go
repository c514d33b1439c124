package ratelimit

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ErrNoClientIP is returned by ClientIP when the address it would use is
// not an IP address.
var ErrNoClientIP = errors.New("ratelimit: no client IP address")

// ClientIP returns the IP address of the client that sent r, to make a
// per-client key of (see ClientKey).
//
// With trustedProxies 0 it is the host of r.RemoteAddr: the other end of
// the connection, which a client cannot forge, and X-Forwarded-For is
// ignored. Behind reverse proxies that is the nearest proxy, and the
// client is in X-Forwarded-For, to which each proxy appends the address it
// received the request from: with trustedProxies k, the number of proxies
// of yours in front of the app, the client is the kth entry from the
// right. The entries left of it were sent by the client and are never
// believed.
//
// The caveat: set trustedProxies only when every request reaches the app
// through those proxies, and to their number exactly. If the app can also
// be reached directly, or k is one too many, a client writes its own
// X-Forwarded-For and picks the address it is counted as, so that a
// per-client limit no longer holds.
//
// It returns ErrNoClientIP when that address is not an IP address: a Unix
// socket's RemoteAddr, or fewer than trustedProxies entries, or a
// malformed one, in X-Forwarded-For. An entry may carry a port
// ("192.0.2.1:4711", "[2001:db8::1]:4711"), as some proxies write it.
func ClientIP(r *http.Request, trustedProxies int) (netip.Addr, error) {
	if trustedProxies < 0 {
		return netip.Addr{}, fmt.Errorf("%w: trustedProxies is %d, not a number of proxies", ErrNoClientIP, trustedProxies)
	}
	if trustedProxies == 0 {
		ip, ok := parseIP(r.RemoteAddr)
		if !ok {
			return netip.Addr{}, fmt.Errorf("%w: the connection's remote address %q is none", ErrNoClientIP, r.RemoteAddr)
		}
		return ip, nil
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	if len(hops) < trustedProxies {
		return netip.Addr{}, fmt.Errorf("%w: X-Forwarded-For has %d entries, fewer than the %d trusted proxies add", ErrNoClientIP, len(hops), trustedProxies)
	}
	entry := strings.TrimSpace(hops[len(hops)-trustedProxies])
	ip, ok := parseIP(entry)
	if !ok {
		return netip.Addr{}, fmt.Errorf("%w: X-Forwarded-For entry %d from the right is not an IP address", ErrNoClientIP, trustedProxies)
	}
	return ip, nil
}

// parseIP reads an IP address with or without a port, as an IPv4 address
// when it is one mapped into IPv6, without a zone.
func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		ip = ap.Addr()
	}
	return ip.Unmap().WithZone(""), true
}

// ClientKey returns the key of a per-client limit for ip: an IPv4 address
// as it is ("192.0.2.1"), an IPv6 address as its /64 network
// ("2001:db8:1:2::/64"), since one subscriber is commonly given a /64 at
// least and can send from any address in it. The zero Addr gives
// "invalid IP".
func ClientKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if !ip.Is6() {
		return ip.String()
	}
	return netip.PrefixFrom(ip, 64).Masked().String()
}

// NetworkKey returns the key of a per-network limit for ip, coarser than
// ClientKey's: an IPv4 address's /24 ("192.0.2.0/24"), an IPv6 address's
// /48 ("2001:db8:1::/48"). A subscriber given a /48 has 65 536 /64s, each
// a client key of its own, and one network key; a per-network limit, with
// a larger allowance than the per-client one, bounds what it can ask for
// in all. The zero Addr gives "invalid IP".
//
// Many people can share a /24 or a /48 (an office, a university, a
// carrier's NAT), so a per-network limit too tight refuses them together.
func NetworkKey(ip netip.Addr) string {
	ip = ip.Unmap().WithZone("")
	if !ip.IsValid() {
		return ip.String()
	}
	bits := 24
	if ip.Is6() {
		bits = 48
	}
	return netip.PrefixFrom(ip, bits).Masked().String()
}
