// Package ids makes the random identifiers NextAuth.js and Auth.js make:
// hex tokens (session and sign-in tokens of NextAuth.js 2.0.0-beta.73 and
// Auth.js's sign-in tokens), UUIDs (Auth.js's session tokens, Drizzle's
// ids) and cuids (Prisma's @default(cuid())). All take their randomness
// from crypto/rand.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Hex returns the lowercase hex of 32 random bytes (64 characters):
// randomBytes(32).toString("hex").
func Hex() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("gormauth: new token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// UUID returns a random (version 4, variant 10) UUID in lowercase, 36
// characters: crypto.randomUUID().
func UUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("gormauth: new UUID: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:]), nil
}

// CUID makes cuids (version 1), as the Prisma client does for
// @default(cuid()): 25 lowercase base-36 characters, "c", then the time in
// milliseconds (8), a counter (4), a fingerprint of the process and host
// (4) and random characters (8). They sort by time of creation to the
// millisecond, and the counter tells apart those made in one millisecond by
// one process. Make one CUID per process and share it; it is safe for
// concurrent use.
type CUID struct {
	counter     atomic.Uint32
	fingerprint string
}

// NewCUID returns a CUID with its counter at a random place and the
// fingerprint of this process.
func NewCUID() *CUID {
	c := &CUID{}
	var b [4]byte
	_, _ = rand.Read(b[:])
	c.counter.Store(uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]))
	host, _ := os.Hostname()
	h := fnv.New32a()
	h.Write([]byte(host))
	c.fingerprint = pad(strconv.FormatInt(int64(os.Getpid()), 36), 2) + pad(strconv.FormatUint(uint64(h.Sum32()), 36), 2)
	return c
}

const blockSize = 4

// discrete is 36⁴, the number of values of a block.
const discrete = 36 * 36 * 36 * 36

// New returns a new cuid.
func (c *CUID) New() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("gormauth: new cuid: %w", err)
	}
	random := func(i int) string {
		n := (uint64(b[i])<<24 | uint64(b[i+1])<<16 | uint64(b[i+2])<<8 | uint64(b[i+3])) % discrete
		return pad(strconv.FormatUint(n, 36), blockSize)
	}
	var s strings.Builder
	s.Grow(25)
	s.WriteByte('c')
	s.WriteString(pad(strconv.FormatInt(time.Now().UnixMilli(), 36), 8))
	s.WriteString(pad(strconv.FormatUint(uint64(c.counter.Add(1)%discrete), 36), blockSize))
	s.WriteString(c.fingerprint)
	s.WriteString(random(0))
	s.WriteString(random(4))
	return s.String(), nil
}

// pad returns the last n characters of s, left-padded with "0".
func pad(s string, n int) string {
	if len(s) >= n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}
