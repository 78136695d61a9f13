;; Reads the record lines of a store file in the fake's own layout (see own-layout.ts) as
;; WebAssembly: start-up reads every line of the file, and these loops run several times faster
;; here (eight and sixteen bytes at a time) than byte loops over a Buffer in JavaScript.
;;
;; The bytes to read are at the start of the memory (line-scanner.ts reads the file straight into
;; it, so the bytes are never copied). `scan` reads their record lines from `from` (each a line
;; that starts with `{`) and stops at `end`, before a line that does not start with `{` (a
;; collection's header, the file's end), before a line it cannot read from its bytes alone
;; (own-layout.ts parses that one), or when it has read 1,024 lines. It answers how many lines it
;; read and leaves where it stopped in `stopped`. It writes, by line, from the address `columns`:
;;   +0     offset, i32     where the record starts
;;   +4096  length, i32     its length (without the comma that ends its line)
;;   +8192  idEnd, i32      where the id's closing quote is
;;   +12288 idHash, i32     the id's hash (hashBytes of id-index.ts)
;;   +16384 orgStart, i32   where the organisation starts
;;   +20480 orgEnd, i32     and ends
;;   +24576 orgSame, i32    1 when the organisation's bytes are those of the line before, read by the same scan
;;   +28672 createdMs, f64  the creation time, in milliseconds since 1970
;; A line is read here only when its bytes alone tell all of that: the id first and the
;; organisation next, both printable ASCII with no backslash, and one top-level creation time in
;; the form the fake writes. Reads may look up to 16 bytes past `end`: the memory has room for them.
(module
  ;; Shared, so that a worker thread can read the file into it (see file-reading-workers.ts).
  (import "scanner" "memory" (memory 1 65536 shared))
  (global $stopped (export "stopped") (mut i32) (i32.const 0))

  ;; Whether the eight bytes at `at`, masked, are `value`.
  (func $eight (param $at i32) (param $value i64) (param $mask i64) (result i32)
    (i64.eq (i64.and (i64.load (local.get $at)) (local.get $mask)) (local.get $value)))

  ;; Whether `"createdAt":"` starts at `at`.
  (func $isCreatedAt (param $at i32) (result i32)
    (i32.and
      (i64.eq (i64.load (local.get $at)) (i64.const 0x6465746165726322))
      (call $eight (i32.add (local.get $at) (i32.const 8)) (i64.const 0x000000223a227441) (i64.const 0x000000ffffffffff))))

  ;; The number written in `count` digits at `at`, or -1.
  (func $digits (param $at i32) (param $count i32) (result i32)
    (local $value i32) (local $digit i32) (local $end i32)
    (local.set $end (i32.add (local.get $at) (local.get $count)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $digit (i32.sub (i32.load8_u (local.get $at)) (i32.const 0x30)))
        (if (i32.gt_u (local.get $digit) (i32.const 9)) (then (return (i32.const -1))))
        (local.set $value (i32.add (i32.mul (local.get $value) (i32.const 10)) (local.get $digit)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $next)))
    (local.get $value))

  ;; Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
  (func $daysFromCivil (param $year i32) (param $month i32) (param $day i32) (result i32)
    (local $y i32) (local $era i32) (local $yearOfEra i32) (local $dayOfYear i32)
    (local.set $y (select (i32.sub (local.get $year) (i32.const 1)) (local.get $year) (i32.le_u (local.get $month) (i32.const 2))))
    ;; Floored: y is -1 in January and February of the year 0000.
    (local.set $era
      (select
        (i32.div_s (local.get $y) (i32.const 400))
        (i32.div_s (i32.sub (local.get $y) (i32.const 399)) (i32.const 400))
        (i32.ge_s (local.get $y) (i32.const 0))))
    (local.set $yearOfEra (i32.sub (local.get $y) (i32.mul (local.get $era) (i32.const 400))))
    (local.set $dayOfYear
      (i32.sub
        (i32.add
          (i32.div_u
            (i32.add
              (i32.mul (i32.const 153)
                (i32.add (local.get $month) (select (i32.const -3) (i32.const 9) (i32.gt_u (local.get $month) (i32.const 2)))))
              (i32.const 2))
            (i32.const 5))
          (local.get $day))
        (i32.const 1)))
    (i32.sub
      (i32.add
        (i32.mul (local.get $era) (i32.const 146097))
        (i32.add
          (i32.sub
            (i32.add (i32.mul (local.get $yearOfEra) (i32.const 365)) (i32.div_u (local.get $yearOfEra) (i32.const 4)))
            (i32.div_u (local.get $yearOfEra) (i32.const 100)))
          (local.get $dayOfYear)))
      (i32.const 719468)))

  ;; Milliseconds of `YYYY-MM-DDTHH:mm:ss.sssZ"` at `at` (the form the fake writes), or NaN when it
  ;; is not exactly that or a field is out of range (Date.parse decides those).
  (func $isoMs (param $at i32) (result f64)
    (local $year i32) (local $month i32) (local $day i32) (local $hours i32) (local $minutes i32) (local $seconds i32) (local $millis i32)
    (if (i32.or
          (i32.or
            (i32.or (i32.ne (i32.load8_u offset=4 (local.get $at)) (i32.const 0x2d))
                    (i32.ne (i32.load8_u offset=7 (local.get $at)) (i32.const 0x2d)))
            (i32.or (i32.ne (i32.load8_u offset=10 (local.get $at)) (i32.const 0x54))
                    (i32.ne (i32.load8_u offset=13 (local.get $at)) (i32.const 0x3a))))
          (i32.or
            (i32.or (i32.ne (i32.load8_u offset=16 (local.get $at)) (i32.const 0x3a))
                    (i32.ne (i32.load8_u offset=19 (local.get $at)) (i32.const 0x2e)))
            (i32.or (i32.ne (i32.load8_u offset=23 (local.get $at)) (i32.const 0x5a))
                    (i32.ne (i32.load8_u offset=24 (local.get $at)) (i32.const 0x22)))))
      (then (return (f64.const nan))))
    (local.set $year (call $digits (local.get $at) (i32.const 4)))
    (local.set $month (call $digits (i32.add (local.get $at) (i32.const 5)) (i32.const 2)))
    (local.set $day (call $digits (i32.add (local.get $at) (i32.const 8)) (i32.const 2)))
    (local.set $hours (call $digits (i32.add (local.get $at) (i32.const 11)) (i32.const 2)))
    (local.set $minutes (call $digits (i32.add (local.get $at) (i32.const 14)) (i32.const 2)))
    (local.set $seconds (call $digits (i32.add (local.get $at) (i32.const 17)) (i32.const 2)))
    (local.set $millis (call $digits (i32.add (local.get $at) (i32.const 20)) (i32.const 3)))
    ;; A digit that is not one (-1), or a field out of range.
    (if (i32.or
          (i32.or
            (i32.or (i32.lt_s (local.get $year) (i32.const 0)) (i32.lt_s (local.get $millis) (i32.const 0)))
            (i32.or (i32.gt_u (i32.sub (local.get $month) (i32.const 1)) (i32.const 11))
                    (i32.gt_u (i32.sub (local.get $day) (i32.const 1)) (i32.const 30))))
          (i32.or
            (i32.gt_u (local.get $hours) (i32.const 23))
            (i32.or (i32.gt_u (local.get $minutes) (i32.const 59)) (i32.gt_u (local.get $seconds) (i32.const 59)))))
      (then (return (f64.const nan))))
    (f64.convert_i64_s
      (i64.add
        (i64.add
          (i64.mul
            (i64.add
              (i64.mul
                (i64.add
                  (i64.mul (i64.extend_i32_s (call $daysFromCivil (local.get $year) (local.get $month) (local.get $day))) (i64.const 24))
                  (i64.extend_i32_u (local.get $hours)))
                (i64.const 60))
              (i64.extend_i32_u (local.get $minutes)))
            (i64.const 60000))
          (i64.extend_i32_u (i32.mul (local.get $seconds) (i32.const 1000))))
        (i64.extend_i32_u (local.get $millis)))))

  ;; Where a plain string's closing quote is, from `at` and before `end`: -1 when a byte before it is
  ;; not printable ASCII or is a backslash, or when no quote comes before `end`.
  (func $plainEnd (param $at i32) (param $end i32) (result i32)
    (local $bytes v128) (local $quotes i32) (local $odd i32)
    (loop $next
      (if (i32.ge_u (local.get $at) (local.get $end)) (then (return (i32.const -1))))
      (local.set $bytes (v128.load (local.get $at)))
      (local.set $quotes (i8x16.bitmask (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 0x22)))))
      ;; Below 0x20, above 0x7e, or a backslash.
      (local.set $odd
        (i8x16.bitmask
          (v128.or
            (v128.or
              (i8x16.lt_u (local.get $bytes) (i8x16.splat (i32.const 0x20)))
              (i8x16.gt_u (local.get $bytes) (i8x16.splat (i32.const 0x7e))))
            (i8x16.eq (local.get $bytes) (i8x16.splat (i32.const 0x5c))))))
      (if (local.get $quotes)
        (then
          ;; The bytes before the first quote only.
          (if (i32.and (local.get $odd) (i32.sub (i32.and (local.get $quotes) (i32.sub (i32.const 0) (local.get $quotes))) (i32.const 1)))
            (then (return (i32.const -1))))
          (local.set $at (i32.add (local.get $at) (i32.ctz (local.get $quotes))))
          (return (select (local.get $at) (i32.const -1) (i32.lt_u (local.get $at) (local.get $end))))))
      (if (local.get $odd) (then (return (i32.const -1))))
      (local.set $at (i32.add (local.get $at) (i32.const 16)))
      (br $next))
    (i32.const -1))

  ;; FNV-1a of bytes `start` to `end`, mixed by MurmurHash3's finaliser (id-index.ts).
  (func $idHash (param $start i32) (param $end i32) (result i32)
    (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $start) (local.get $end)))
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $start))) (i32.const 16777619)))
        (local.set $start (i32.add (local.get $start) (i32.const 1)))
        (br $next)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Whether bytes `a` to `a + length` equal bytes `b` to `b + length`.
  (func $sameBytes (param $a i32) (param $b i32) (param $length i32) (result i32)
    (local $i i32)
    (block $differs
      (loop $next
        (if (i32.ge_u (local.get $i) (local.get $length)) (then (return (i32.const 1))))
        (br_if $differs
          (i32.ne (i32.load8_u (i32.add (local.get $a) (local.get $i))) (i32.load8_u (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  ;; Where the record's own `"createdAt":"` is in a record ending at `end`, after `after`: the last
  ;; one, with no object closing after it but the record's own. Found at once when the record ends
  ;; with both instants, `"createdAt":"<24>","updatedAt":"<24>"}` (78 bytes, the canonical layout
  ;; of clients); searched for otherwise. -1 when there is none.
  (func $createdAt (param $after i32) (param $end i32) (result i32)
    (local $guess i32) (local $at i32)
    (local.set $guess (i32.sub (local.get $end) (i32.const 78)))
    (if (i32.gt_s (local.get $guess) (local.get $after))
      (then
        (if (i32.and
              (i32.and
                (call $isCreatedAt (local.get $guess))
                ;; `","updatedAt":"` 37 bytes on.
                (i32.and
                  (i64.eq (i64.load offset=37 (local.get $guess)) (i64.const 0x7461647075222c22))
                  (call $eight (i32.add (local.get $guess) (i32.const 45)) (i64.const 0x00223a2274416465) (i64.const 0x00ffffffffffffff))))
              (i32.and
                (i32.eq (i32.load16_u (i32.sub (local.get $end) (i32.const 2))) (i32.const 0x7d22))
                (i32.ne (i32.load8_u (i32.sub (local.get $guess) (i32.const 1))) (i32.const 0x5c))))
          (then
            ;; The update time, checked only for its shape: no quote or brace in its 24 bytes.
            (return
              (select
                (i32.const -1)
                (local.get $guess)
                (v128.any_true
                  (v128.or
                    (v128.or
                      (i8x16.eq (v128.load (i32.sub (local.get $end) (i32.const 26))) (i8x16.splat (i32.const 0x7d)))
                      (i8x16.eq (v128.load (i32.sub (local.get $end) (i32.const 26))) (i8x16.splat (i32.const 0x22))))
                    (v128.or
                      (i8x16.eq (v128.load (i32.sub (local.get $end) (i32.const 18))) (i8x16.splat (i32.const 0x7d)))
                      (i8x16.eq (v128.load (i32.sub (local.get $end) (i32.const 18))) (i8x16.splat (i32.const 0x22))))))))))))
    ;; The last `"createdAt":"` that starts after `after`; the first closing brace after it must end the record.
    (local.set $at (i32.sub (local.get $end) (i32.const 13)))
    (block $found
      (loop $back
        (if (i32.le_s (local.get $at) (local.get $after)) (then (return (i32.const -1))))
        (br_if $found (call $isCreatedAt (local.get $at)))
        (local.set $at (i32.sub (local.get $at) (i32.const 1)))
        (br $back)))
    (if (i32.eq (i32.load8_u (i32.sub (local.get $at) (i32.const 1))) (i32.const 0x5c)) (then (return (i32.const -1))))
    (local.set $guess (local.get $at))
    (loop $brace
      (if (i32.ge_s (local.get $guess) (local.get $end)) (then (return (i32.const -1))))
      (if (i32.eq (i32.load8_u (local.get $guess)) (i32.const 0x7d))
        (then (return (select (local.get $at) (i32.const -1) (i32.eq (local.get $guess) (i32.sub (local.get $end) (i32.const 1)))))))
      (local.set $guess (i32.add (local.get $guess) (i32.const 1)))
      (br $brace))
    (i32.const -1))

  ;; Reads the record from `start` to `end` (no comma) into line `line` of the columns at
  ;; `columns`: 0, with nothing written, when its bytes alone cannot tell.
  (func $readLine (param $start i32) (param $end i32) (param $columns i32) (param $line i32) (result i32)
    (local $idEnd i32) (local $orgStart i32) (local $orgEnd i32) (local $created i32) (local $ms f64) (local $slot i32)
    ;; `{"id":"`
    (if (i32.eqz (call $eight (local.get $start) (i64.const 0x00223a226469227b) (i64.const 0x00ffffffffffffff))) (then (return (i32.const 0))))
    (local.set $idEnd (call $plainEnd (i32.add (local.get $start) (i32.const 7)) (local.get $end)))
    (if (i32.lt_s (local.get $idEnd) (i32.const 0)) (then (return (i32.const 0))))
    ;; `,"orgId":"` after the id's closing quote.
    (if (i32.eqz
          (i32.and
            (i64.eq (i64.load offset=1 (local.get $idEnd)) (i64.const 0x22644967726f222c))
            (i32.eq (i32.load16_u offset=9 (local.get $idEnd)) (i32.const 0x223a))))
      (then (return (i32.const 0))))
    (local.set $orgStart (i32.add (local.get $idEnd) (i32.const 11)))
    (local.set $orgEnd (call $plainEnd (local.get $orgStart) (local.get $end)))
    (if (i32.lt_s (local.get $orgEnd) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $created (call $createdAt (local.get $orgEnd) (local.get $end)))
    (if (i32.lt_s (local.get $created) (i32.const 0)) (then (return (i32.const 0))))
    (local.set $ms (call $isoMs (i32.add (local.get $created) (i32.const 13))))
    (if (f64.ne (local.get $ms) (local.get $ms)) (then (return (i32.const 0))))
    (local.set $slot (i32.add (local.get $columns) (i32.shl (local.get $line) (i32.const 2))))
    (i32.store offset=0 (local.get $slot) (local.get $start))
    (i32.store offset=4096 (local.get $slot) (i32.sub (local.get $end) (local.get $start)))
    (i32.store offset=8192 (local.get $slot) (local.get $idEnd))
    (i32.store offset=12288 (local.get $slot) (call $idHash (i32.add (local.get $start) (i32.const 7)) (local.get $idEnd)))
    (i32.store offset=16384 (local.get $slot) (local.get $orgStart))
    (i32.store offset=20480 (local.get $slot) (local.get $orgEnd))
    (f64.store offset=28672 (i32.add (local.get $columns) (i32.shl (local.get $line) (i32.const 3))) (local.get $ms))
    (i32.const 1))

  (func (export "scan") (param $from i32) (param $end i32) (param $columns i32) (result i32)
    (local $count i32) (local $newline i32) (local $newlines i32) (local $contentEnd i32) (local $slot i32) (local $same i32)
    (block $stop
      (loop $next
        (br_if $stop (i32.ge_u (local.get $from) (local.get $end)))
        (br_if $stop (i32.ge_u (local.get $count) (i32.const 1024)))
        (br_if $stop (i32.ne (i32.load8_u (local.get $from)) (i32.const 0x7b)))
        (local.set $newline (local.get $from))
        (block $found
          ;; Sixteen bytes at a time; `end` ends the last line when no newline does.
          (loop $seek
            (local.set $newlines
              (i8x16.bitmask (i8x16.eq (v128.load (local.get $newline)) (i8x16.splat (i32.const 0x0a)))))
            (if (local.get $newlines)
              (then
                (local.set $newline (i32.add (local.get $newline) (i32.ctz (local.get $newlines))))
                (if (i32.gt_u (local.get $newline) (local.get $end)) (then (local.set $newline (local.get $end))))
                (br $found)))
            (local.set $newline (i32.add (local.get $newline) (i32.const 16)))
            (br_if $seek (i32.lt_u (local.get $newline) (local.get $end))))
          (local.set $newline (local.get $end)))
        (local.set $contentEnd
          (select
            (i32.sub (local.get $newline) (i32.const 1))
            (local.get $newline)
            (i32.eq (i32.load8_u (i32.sub (local.get $newline) (i32.const 1))) (i32.const 0x2c))))
        (br_if $stop (i32.eqz (call $readLine (local.get $from) (local.get $contentEnd) (local.get $columns) (local.get $count))))
        (local.set $slot (i32.add (local.get $columns) (i32.shl (local.get $count) (i32.const 2))))
        (local.set $same (i32.const 0))
        (if (i32.gt_u (local.get $count) (i32.const 0))
          (then
            (local.set $same
              (i32.and
                (i32.eq
                  (i32.sub (i32.load offset=20480 (local.get $slot)) (i32.load offset=16384 (local.get $slot)))
                  (i32.sub (i32.load offset=20476 (local.get $slot)) (i32.load offset=16380 (local.get $slot))))
                (call $sameBytes
                  (i32.load offset=16384 (local.get $slot))
                  (i32.load offset=16380 (local.get $slot))
                  (i32.sub (i32.load offset=20480 (local.get $slot)) (i32.load offset=16384 (local.get $slot))))))))
        (i32.store offset=24576 (local.get $slot) (local.get $same))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $from (i32.add (local.get $newline) (i32.const 1)))
        (br $next)))
    (global.set $stopped (local.get $from))
    (local.get $count)))
