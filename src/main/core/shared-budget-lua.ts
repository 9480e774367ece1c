/**
 * The shared budget's Lua scripts (issue 15). Each runs atomically in Redis, so no two installs
 * can both take the last unit or slot. Times are Redis's own clock (`TIME`), so installs whose
 * clocks differ still agree; what a client sends is an age or a remaining time, never a date.
 *
 * KEYS: 1 starts (ZSET member → when its unit was spent), 2 leases (member → expiry),
 * 3 queue (member → priority·1e13 + when it asked), 4 queue expiry (member → expiry),
 * 5 pause (HASH until, cause, began, n), 6 installs (HASH id → "lastSeen|name").
 * ARGV 1–8 (every script): install id, perWindow, windowMs, maxConcurrent, leaseMs, awayMs,
 * forgetMs, event channel. Script-specific arguments follow from ARGV 9.
 */

const PRELUDE = `
local SELF, N, W, CAP = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local LEASE, AWAY, FORGET, CHANNEL = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8]
local S, L, Q, QX, PZ, IN = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local clock = redis.call('TIME')
local NOW = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
-- Lua prints large numbers in exponent form; Redis wants the digits.
local function num(x) return string.format('%.0f', x) end

-- Units whose window has passed come back; leases and waits of installs that died expire.
local function tidy()
  redis.call('ZREMRANGEBYSCORE', S, '-inf', num(NOW - W))
  redis.call('ZREMRANGEBYSCORE', L, '-inf', num(NOW))
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', QX, '-inf', num(NOW))) do
    redis.call('ZREM', Q, m)
    redis.call('ZREM', QX, m)
  end
end

-- Installs seen lately: live (heartbeat within AWAY) or away (may be running on a local
-- share); forgotten after FORGET. Away installs keep their share of the window held back.
local function census()
  local all = redis.call('HGETALL', IN)
  local live, away = 1, 0
  for i = 1, #all, 2 do
    if all[i] ~= SELF then
      local seen = tonumber(string.match(all[i + 1], '^(%d+)')) or 0
      if seen <= NOW - FORGET then redis.call('HDEL', IN, all[i])
      elseif seen > NOW - AWAY then live = live + 1
      else away = away + 1 end
    end
  end
  local k = live + away
  return away * math.max(1, math.floor(N / k)), k
end

local function pauseState()
  local h = redis.call('HMGET', PZ, 'until', 'cause')
  local u = tonumber(h[1]) or 0
  if u <= NOW then return 0, '' end
  return u, h[2] or 'gateway'
end

-- No start for anyone before 'to' (a pause only ever grows); 'cause' names it.
local function extendPause(to, cause)
  local u = pauseState()
  if to <= NOW or (u > 0 and to <= u) then return end
  if u == 0 then redis.call('HSET', PZ, 'began', num(NOW), 'cause', cause) end
  redis.call('HSET', PZ, 'until', num(to))
end

local function publish(kind, m, score)
  local u, cause = pauseState()
  local msg = kind .. ' ' .. redis.call('ZCARD', L) .. ' ' .. redis.call('ZCARD', Q) .. ' ' ..
    num(u) .. ' ' .. (cause == '' and '-' or cause)
  if m then msg = msg .. ' ' .. m .. ' ' .. num(score) end
  redis.call('PUBLISH', CHANNEL, msg)
end

-- What every answer carries: the clock, the counts, the pause and when to look again.
local function state(reserved, k)
  local u, cause = pauseState()
  local starts, leases = redis.call('ZCARD', S), redis.call('ZCARD', L)
  local nextAt = u
  if starts + reserved >= N then
    local oldest = redis.call('ZRANGE', S, 0, 0, 'WITHSCORES')
    if oldest[2] then nextAt = math.max(nextAt, tonumber(oldest[2]) + W) end
  end
  if leases >= CAP then
    local first = redis.call('ZRANGE', L, 0, 0, 'WITHSCORES')
    if first[2] then nextAt = math.max(nextAt, tonumber(first[2])) end
  end
  return { num(NOW), starts, leases, redis.call('ZCARD', Q), num(u), cause, reserved, k, num(nextAt) }
end
`;

/**
 * ARGV 9…: pairs of (member, priority) this install waits for. Each joins the queue once (its
 * place kept: priority, then age); the first `free` of the queue, whoever asked, may start, and
 * those of this install are granted now. Returns { granted (member, start)…, state }.
 */
const TRY = `${PRELUDE}
tidy()
local want, granted = {}, {}
for i = 9, #ARGV, 2 do
  local m, p = ARGV[i], tonumber(ARGV[i + 1])
  if redis.call('ZSCORE', L, m) then
    -- Granted already and the answer lost: the same grant again.
    granted[#granted + 1] = m
    granted[#granted + 1] = redis.call('ZSCORE', S, m) or num(NOW)
  else
    want[m] = true
    redis.call('ZADD', Q, 'NX', num(p * 1e13 + NOW), m)
    redis.call('ZADD', QX, num(NOW + LEASE), m)
  end
end
local reserved, k = census()
if pauseState() == 0 then
  local free = math.min(N - reserved - redis.call('ZCARD', S), CAP - redis.call('ZCARD', L))
  if free > 0 then
    for _, m in ipairs(redis.call('ZRANGE', Q, 0, free - 1)) do
      if want[m] then
        redis.call('ZREM', Q, m)
        redis.call('ZREM', QX, m)
        redis.call('ZADD', S, num(NOW), m)
        redis.call('ZADD', L, num(NOW + LEASE), m)
        granted[#granted + 1] = m
        granted[#granted + 1] = num(NOW)
        publish('g', m, NOW)
      end
    end
  end
end
return { granted, state(reserved, k) }
`;

/**
 * ARGV 9 member, 10 outcome kind, 11 provider (1/0), 12 retry-after ms (-1: none), 13 age of
 * the call's start (ms), 14 a random number in [0, 1), 15 back-off base, 16 back-off cap,
 * 17 provider pause base. Frees the slot; a 429 pauses everyone, as LimiterPause does locally.
 */
const RELEASE = `${PRELUDE}
tidy()
redis.call('ZREM', L, ARGV[9])
local kind, provider, retryAfter = ARGV[10], ARGV[11], tonumber(ARGV[12])
local startedAt, r = NOW - tonumber(ARGV[13]), tonumber(ARGV[14])
local base, cap, pbase = tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17])
if kind == 'ok' then redis.call('HSET', PZ, 'n', 0) end
if kind == 'rate_limited' then
  local h = redis.call('HMGET', PZ, 'began', 'n')
  -- A 429 of a call started before the pause began is the same burst: no further doubling.
  local same = startedAt <= (tonumber(h[1]) or -1)
  local n = tonumber(h[2]) or 0
  if not same then
    n = n + 1
    redis.call('HSET', PZ, 'n', n)
  end
  local step = 2 ^ math.max(0, n - 1)
  if provider == '1' then
    if not same then
      local pause = pbase * math.min(16, step)
      extendPause(NOW + math.floor(pause + r * pause * 0.1), 'gateway')
    end
    if pauseState() > 0 then redis.call('HSET', PZ, 'cause', 'provider') end
  elseif retryAfter >= 0 then extendPause(NOW + retryAfter, 'gateway')
  elseif not same then extendPause(NOW + math.floor(r * math.min(cap, base * step)), 'gateway') end
end
publish('c')
local reserved, k = census()
return state(reserved, k)
`;

/** ARGV 9 member: the call's first byte came back; its unit returns one window from now. */
const REACH = `${PRELUDE}
local s = redis.call('ZSCORE', S, ARGV[9])
if s and tonumber(s) < NOW then
  redis.call('ZADD', S, num(NOW), ARGV[9])
  publish('m', ARGV[9], NOW)
end
return num(NOW)
`;

/** ARGV 9…: members that stopped waiting (aborted). */
const ABORT = `${PRELUDE}
for i = 9, #ARGV do
  redis.call('ZREM', Q, ARGV[i])
  redis.call('ZREM', QX, ARGV[i])
end
publish('c')
return num(NOW)
`;

/**
 * The heartbeat, and the way back after Redis was away. ARGV 9 install name, 10 pause time
 * left (ms, 0: none), 11 its cause, then counted lists: held calls (their leases, re-created if
 * Redis lost them), waiting members (their place kept), starts of the last window as (member,
 * age) (every one this install knew of, added once: a restarted Redis gets them back), then
 * the installs it knew as (id, age, name).
 * Returns { state, window (member, start)…, installs (id, "seen|name")…, lease members… }.
 */
const SYNC = `${PRELUDE}
tidy()
local i = 12
local function take() i = i + 1 return ARGV[i - 1] end
redis.call('HSET', IN, SELF, num(NOW) .. '|' .. ARGV[9])
if tonumber(ARGV[10]) > 0 then
  extendPause(NOW + tonumber(ARGV[10]), ARGV[11])
  if ARGV[11] == 'provider' then redis.call('HSET', PZ, 'cause', 'provider') end
end
for _ = 1, tonumber(take()) do redis.call('ZADD', L, num(NOW + LEASE), take()) end
for _ = 1, tonumber(take()) do redis.call('ZADD', QX, 'XX', num(NOW + LEASE), take()) end
for _ = 1, tonumber(take()) do
  local m, age = take(), tonumber(take())
  if age < W then redis.call('ZADD', S, 'NX', num(NOW - age), m) end
end
-- Installs this one knew that a restarted Redis lost: away until they come back themselves
-- (they may be running on a local share), so their share stays held back meanwhile.
while i <= #ARGV do
  local id, age, name = take(), tonumber(take()), take()
  if age < FORGET then
    redis.call('HSETNX', IN, id, num(NOW - math.max(age, AWAY + 1)) .. '|' .. name)
  end
end
local reserved, k = census()
return { state(reserved, k), redis.call('ZRANGE', S, 0, -1, 'WITHSCORES'),
  redis.call('HGETALL', IN), redis.call('ZRANGE', L, 0, -1) }
`;

/** ARGV 9…: this install's leases and waits. It stops cleanly: no share is held for it. */
const LEAVE = `${PRELUDE}
redis.call('HDEL', IN, SELF)
for i = 9, #ARGV do
  redis.call('ZREM', L, ARGV[i])
  redis.call('ZREM', Q, ARGV[i])
  redis.call('ZREM', QX, ARGV[i])
end
publish('c')
return num(NOW)
`;

export const SCRIPTS = {
  budgetTry: TRY,
  budgetRelease: RELEASE,
  budgetReach: REACH,
  budgetAbort: ABORT,
  budgetSync: SYNC,
  budgetLeave: LEAVE,
} as const;
export type ScriptName = keyof typeof SCRIPTS;

/** The keys of one budget; the hash tag keeps them in one slot of a Redis Cluster. */
export function budgetKeys(budget: string): { keys: string[]; channel: string } {
  const base = `clawdesk:budget:{${budget}}`;
  const names = ['starts', 'leases', 'queue', 'queue-expiry', 'pause', 'installs'];
  return { keys: names.map((n) => `${base}:${n}`), channel: `${base}:events` };
}
