using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;

namespace EckRemoteCluster.Engine.NodeConfig;

/// <summary>
/// PBKDF2-HMAC-SHA512 (RFC 8018 section 5.2) for several password and salt pairs at once, one pair per SIMD lane:
/// 8 lanes with AVX-512, 4 with AVX2. One derivation is a chain of 2 × iterations SHA-512 compressions, each waiting
/// for the one before, so a single derivation cannot go faster than one core's SHA-512; but the chains of keystores
/// with different salts are independent, and a vector register computes 4 or 8 of them in the time the scalar code
/// takes for about one or two. Used only for one block of output (at most 64 bytes: the keystore's key is 16), and
/// only where it pays (<see cref="IsAccelerated"/>); <see cref="Rfc2898DeriveBytes"/> stays the reference (xunit
/// compares every lane with it).
/// </summary>
internal static class Pbkdf2Lanes
{
    /// <summary>The password encoding Rfc2898DeriveBytes uses (UTF-8, throwing on a lone surrogate).</summary>
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Lanes per vector on this machine; 1 when neither AVX-512 nor AVX2 is there.</summary>
    public static int LaneCount => Avx512F.IsSupported ? Lanes512.Count : Avx2.IsSupported ? Lanes256.Count : 1;

    public static bool IsAccelerated => LaneCount > 1;

    /// <summary>
    /// Derives <paramref name="keyLength"/> bytes (1 to 64) for each password and salt, all with
    /// <paramref name="iterations"/> rounds, into a new array each; the same as Rfc2898DeriveBytes.Pbkdf2 with SHA-512.
    /// </summary>
    public static byte[][] Derive(IReadOnlyList<(char[] Password, byte[] Salt)> inputs, int iterations, int keyLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(keyLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keyLength, 64);
        var keys = new byte[inputs.Count][];
        for (var start = 0; start < inputs.Count; start += Math.Max(1, LaneCount))
        {
            var batch = Math.Min(Math.Max(1, LaneCount), inputs.Count - start);
            if (Avx512F.IsSupported)
            {
                DeriveBatch<Vector512<ulong>, Lanes512>(inputs, start, batch, iterations, keyLength, keys);
            }
            else if (Avx2.IsSupported)
            {
                DeriveBatch<Vector256<ulong>, Lanes256>(inputs, start, batch, iterations, keyLength, keys);
            }
            else
            {
                for (var i = start; i < start + batch; i++)
                {
                    keys[i] = new byte[keyLength];
                    Rfc2898DeriveBytes.Pbkdf2(inputs[i].Password, inputs[i].Salt, keys[i], iterations, HashAlgorithmName.SHA512);
                }
            }
        }

        return keys;
    }

    private static void DeriveBatch<TV, TOps>(IReadOnlyList<(char[] Password, byte[] Salt)> inputs, int start, int batch, int iterations, int keyLength, byte[][] keys)
        where TV : unmanaged
        where TOps : ILanes<TV>
    {
        var lanes = TOps.Count;
        // Per lane: the HMAC key's inner and outer states (one compression of key XOR ipad/opad each) and U1.
        var inner = new ulong[8 * lanes];
        var outer = new ulong[8 * lanes];
        var first = new ulong[8 * lanes];
        var block = new byte[128];
        var u1 = new byte[64];
        try
        {
            for (var lane = 0; lane < lanes; lane++)
            {
                // Lanes past the batch repeat its first pair: their result is dropped.
                var (password, salt) = inputs[start + (lane < batch ? lane : 0)];
                var passwordBytes = s_utf8.GetBytes(password);
                try
                {
                    // HMAC: a key longer than the block is hashed first; shorter ones are zero-padded to 128 bytes.
                    var hmacKey = passwordBytes.Length > 128 ? SHA512.HashData(passwordBytes) : passwordBytes;
                    Array.Clear(block);
                    hmacKey.CopyTo(block, 0);
                    ScalarCompressPadded(block, 0x36, inner.AsSpan(lane * 8, 8));
                    ScalarCompressPadded(block, 0x5c, outer.AsSpan(lane * 8, 8));

                    // U1 = HMAC(P, S || INT(1)), the only iteration whose message is not 64 bytes: done by the platform.
                    var message = new byte[salt.Length + 4];
                    salt.CopyTo(message, 0);
                    BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(salt.Length), 1);
                    HMACSHA512.HashData(passwordBytes, message, u1);
                    for (var w = 0; w < 8; w++)
                    {
                        first[(lane * 8) + w] = BinaryPrimitives.ReadUInt64BigEndian(u1.AsSpan(w * 8));
                    }

                    if (!ReferenceEquals(hmacKey, passwordBytes))
                    {
                        CryptographicOperations.ZeroMemory(hmacKey);
                    }
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(passwordBytes);
                }
            }

            Span<ulong> result = stackalloc ulong[8 * lanes];
            Iterate<TV, TOps>(inner, outer, first, iterations, result);
            Span<byte> word = stackalloc byte[8];
            for (var lane = 0; lane < batch; lane++)
            {
                var key = new byte[keyLength];
                for (var offset = 0; offset < keyLength; offset += 8)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(word, result[(lane * 8) + (offset / 8)]);
                    word[..Math.Min(8, keyLength - offset)].CopyTo(key.AsSpan(offset));
                }

                keys[start + lane] = key;
            }

            CryptographicOperations.ZeroMemory(word);

            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(result));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(inner.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(outer.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(first.AsSpan()));
            CryptographicOperations.ZeroMemory(block);
            CryptographicOperations.ZeroMemory(u1);
        }
    }

    /// <summary>
    /// U2..Uc and their XOR, every lane at once. Lane-major input and output: words [lane * 8, lane * 8 + 8).
    /// Each Ui = HMAC(P, Ui-1) is two compressions of one block: inner state + (Ui-1, padding), outer state +
    /// (inner hash, padding); a 64-byte message after a 128-byte key block is 192 bytes, 1536 bits.
    /// </summary>
    private static void Iterate<TV, TOps>(ulong[] innerLanes, ulong[] outerLanes, ulong[] firstLanes, int iterations, Span<ulong> result)
        where TV : unmanaged
        where TOps : ILanes<TV>
    {
        var lanes = TOps.Count;
        Span<TV> inner = stackalloc TV[8];
        Span<TV> outer = stackalloc TV[8];
        Span<TV> u = stackalloc TV[8];
        Span<TV> t = stackalloc TV[8];
        Span<ulong> gather = stackalloc ulong[lanes];
        for (var w = 0; w < 8; w++)
        {
            inner[w] = Gather<TV, TOps>(innerLanes, w, gather);
            outer[w] = Gather<TV, TOps>(outerLanes, w, gather);
            u[w] = Gather<TV, TOps>(firstLanes, w, gather);
            t[w] = u[w];
        }

        Span<TV> schedule = stackalloc TV[16];
        Span<TV> hash = stackalloc TV[8];
        var padding = TOps.Broadcast(0x8000000000000000UL);
        var zero = TOps.Broadcast(0);
        var length = TOps.Broadcast(1536);
        for (var i = 1; i < iterations; i++)
        {
            u.CopyTo(schedule);
            schedule[8] = padding;
            for (var w = 9; w < 15; w++)
            {
                schedule[w] = zero;
            }

            schedule[15] = length;
            Compress<TV, TOps>(inner, schedule, hash);

            hash.CopyTo(schedule);
            schedule[8] = padding;
            for (var w = 9; w < 15; w++)
            {
                schedule[w] = zero;
            }

            schedule[15] = length;
            Compress<TV, TOps>(outer, schedule, u);
            for (var w = 0; w < 8; w++)
            {
                t[w] = TOps.Xor(t[w], u[w]);
            }
        }

        for (var w = 0; w < 8; w++)
        {
            TOps.Store(t[w], gather);
            for (var lane = 0; lane < lanes; lane++)
            {
                result[(lane * 8) + w] = gather[lane];
            }
        }

        schedule.Clear();
        hash.Clear();
        u.Clear();
        t.Clear();
        inner.Clear();
        outer.Clear();
        gather.Clear();
    }

    private static TV Gather<TV, TOps>(ulong[] laneMajor, int word, Span<ulong> scratch)
        where TV : unmanaged
        where TOps : ILanes<TV>
    {
        for (var lane = 0; lane < scratch.Length; lane++)
        {
            scratch[lane] = laneMajor[(lane * 8) + word];
        }

        return TOps.Load(scratch);
    }

    /// <summary>One SHA-512 compression of the block in <paramref name="w"/> (overwritten: the message schedule) onto <paramref name="state"/>, into <paramref name="output"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress<TV, TOps>(ReadOnlySpan<TV> state, Span<TV> w, Span<TV> output)
        where TV : unmanaged
        where TOps : ILanes<TV>
    {
        TV a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
        var k = RoundConstants;
        for (var round = 0; round < 80; round++)
        {
            TV word;
            if (round < 16)
            {
                word = w[round];
            }
            else
            {
                var w15 = w[(round - 15) & 15];
                var w2 = w[(round - 2) & 15];
                var sigma0 = TOps.Xor3(TOps.RotateRight1(w15), TOps.RotateRight8(w15), TOps.ShiftRight7(w15));
                var sigma1 = TOps.Xor3(TOps.RotateRight19(w2), TOps.RotateRight61(w2), TOps.ShiftRight6(w2));
                word = TOps.Add(TOps.Add(sigma1, w[(round - 7) & 15]), TOps.Add(sigma0, w[round & 15]));
                w[round & 15] = word;
            }

            var bigSigma1 = TOps.Xor3(TOps.RotateRight14(e), TOps.RotateRight18(e), TOps.RotateRight41(e));
            var t1 = TOps.Add(TOps.Add(h, bigSigma1), TOps.Add(TOps.Choose(e, f, g), TOps.Add(TOps.Broadcast(k[round]), word)));
            var bigSigma0 = TOps.Xor3(TOps.RotateRight28(a), TOps.RotateRight34(a), TOps.RotateRight39(a));
            var t2 = TOps.Add(bigSigma0, TOps.Majority(a, b, c));
            h = g;
            g = f;
            f = e;
            e = TOps.Add(d, t1);
            d = c;
            c = b;
            b = a;
            a = TOps.Add(t1, t2);
        }

        output[0] = TOps.Add(state[0], a);
        output[1] = TOps.Add(state[1], b);
        output[2] = TOps.Add(state[2], c);
        output[3] = TOps.Add(state[3], d);
        output[4] = TOps.Add(state[4], e);
        output[5] = TOps.Add(state[5], f);
        output[6] = TOps.Add(state[6], g);
        output[7] = TOps.Add(state[7], h);
    }

    /// <summary>The SHA-512 state after one compression of the 128-byte key block XOR <paramref name="pad"/> (HMAC's ipad or opad) onto the initial hash value.</summary>
    private static void ScalarCompressPadded(byte[] keyBlock, byte pad, Span<ulong> state)
    {
        Span<ulong> w = stackalloc ulong[16];
        Span<byte> padded = stackalloc byte[128];
        for (var i = 0; i < 128; i++)
        {
            padded[i] = (byte)(keyBlock[i] ^ pad);
        }

        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt64BigEndian(padded[(i * 8)..]);
        }

        Span<Vector128<ulong>> one = stackalloc Vector128<ulong>[16];
        for (var i = 0; i < 16; i++)
        {
            one[i] = Vector128.Create(w[i]);
        }

        Span<Vector128<ulong>> initial = stackalloc Vector128<ulong>[8];
        for (var i = 0; i < 8; i++)
        {
            initial[i] = Vector128.Create(InitialHash[i]);
        }

        Span<Vector128<ulong>> output = stackalloc Vector128<ulong>[8];
        Compress<Vector128<ulong>, Lanes128>(initial, one, output);
        for (var i = 0; i < 8; i++)
        {
            state[i] = output[i].GetElement(0);
        }

        CryptographicOperations.ZeroMemory(padded);
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w));
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(one));
    }

    private static ReadOnlySpan<ulong> InitialHash =>
    [
        0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
        0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
    ];

    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ];

    /// <summary>The operations SHA-512 needs, on a vector of 64-bit lanes; rotations by the constants SHA-512 uses.</summary>
    private interface ILanes<TV>
        where TV : unmanaged
    {
        static abstract int Count { get; }

        static abstract TV Broadcast(ulong value);

        static abstract TV Load(ReadOnlySpan<ulong> lanes);

        static abstract void Store(TV vector, Span<ulong> lanes);

        static abstract TV Add(TV x, TV y);

        static abstract TV Xor(TV x, TV y);

        static abstract TV Xor3(TV x, TV y, TV z);

        /// <summary>SHA-512's Ch: where e has a bit, f's bit; else g's.</summary>
        static abstract TV Choose(TV e, TV f, TV g);

        static abstract TV Majority(TV a, TV b, TV c);

        static abstract TV RotateRight1(TV x);

        static abstract TV RotateRight8(TV x);

        static abstract TV RotateRight14(TV x);

        static abstract TV RotateRight18(TV x);

        static abstract TV RotateRight19(TV x);

        static abstract TV RotateRight28(TV x);

        static abstract TV RotateRight34(TV x);

        static abstract TV RotateRight39(TV x);

        static abstract TV RotateRight41(TV x);

        static abstract TV RotateRight61(TV x);

        static abstract TV ShiftRight6(TV x);

        static abstract TV ShiftRight7(TV x);
    }

    /// <summary>AVX-512: 8 lanes, native rotations (vprorq) and three-input logic (vpternlogq).</summary>
    private readonly struct Lanes512 : ILanes<Vector512<ulong>>
    {
        public static int Count => Vector512<ulong>.Count;

        public static Vector512<ulong> Broadcast(ulong value) => Vector512.Create(value);

        public static Vector512<ulong> Load(ReadOnlySpan<ulong> lanes) => Vector512.Create(lanes);

        public static void Store(Vector512<ulong> vector, Span<ulong> lanes) => vector.CopyTo(lanes);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Add(Vector512<ulong> x, Vector512<ulong> y) => x + y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Xor(Vector512<ulong> x, Vector512<ulong> y) => x ^ y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Xor3(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> z) => Avx512F.TernaryLogic(x, y, z, 0x96);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Choose(Vector512<ulong> e, Vector512<ulong> f, Vector512<ulong> g) => Avx512F.TernaryLogic(e, f, g, 0xCA);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> Majority(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> c) => Avx512F.TernaryLogic(a, b, c, 0xE8);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight1(Vector512<ulong> x) => Avx512F.RotateRight(x, 1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight8(Vector512<ulong> x) => Avx512F.RotateRight(x, 8);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight14(Vector512<ulong> x) => Avx512F.RotateRight(x, 14);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight18(Vector512<ulong> x) => Avx512F.RotateRight(x, 18);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight19(Vector512<ulong> x) => Avx512F.RotateRight(x, 19);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight28(Vector512<ulong> x) => Avx512F.RotateRight(x, 28);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight34(Vector512<ulong> x) => Avx512F.RotateRight(x, 34);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight39(Vector512<ulong> x) => Avx512F.RotateRight(x, 39);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight41(Vector512<ulong> x) => Avx512F.RotateRight(x, 41);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> RotateRight61(Vector512<ulong> x) => Avx512F.RotateRight(x, 61);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> ShiftRight6(Vector512<ulong> x) => Vector512.ShiftRightLogical(x, 6);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<ulong> ShiftRight7(Vector512<ulong> x) => Vector512.ShiftRightLogical(x, 7);
    }

    /// <summary>AVX2: 4 lanes; rotations are two shifts and an OR.</summary>
    private readonly struct Lanes256 : ILanes<Vector256<ulong>>
    {
        public static int Count => Vector256<ulong>.Count;

        public static Vector256<ulong> Broadcast(ulong value) => Vector256.Create(value);

        public static Vector256<ulong> Load(ReadOnlySpan<ulong> lanes) => Vector256.Create(lanes);

        public static void Store(Vector256<ulong> vector, Span<ulong> lanes) => vector.CopyTo(lanes);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Add(Vector256<ulong> x, Vector256<ulong> y) => x + y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Xor(Vector256<ulong> x, Vector256<ulong> y) => x ^ y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Xor3(Vector256<ulong> x, Vector256<ulong> y, Vector256<ulong> z) => x ^ y ^ z;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Choose(Vector256<ulong> e, Vector256<ulong> f, Vector256<ulong> g) => g ^ (e & (f ^ g));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<ulong> Majority(Vector256<ulong> a, Vector256<ulong> b, Vector256<ulong> c) => (a & b) | (c & (a | b));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Rotate(Vector256<ulong> x, [System.Diagnostics.CodeAnalysis.ConstantExpected] int n) =>
            Vector256.ShiftRightLogical(x, n) | Vector256.ShiftLeft(x, 64 - n);

        public static Vector256<ulong> RotateRight1(Vector256<ulong> x) => Rotate(x, 1);

        public static Vector256<ulong> RotateRight8(Vector256<ulong> x) => Rotate(x, 8);

        public static Vector256<ulong> RotateRight14(Vector256<ulong> x) => Rotate(x, 14);

        public static Vector256<ulong> RotateRight18(Vector256<ulong> x) => Rotate(x, 18);

        public static Vector256<ulong> RotateRight19(Vector256<ulong> x) => Rotate(x, 19);

        public static Vector256<ulong> RotateRight28(Vector256<ulong> x) => Rotate(x, 28);

        public static Vector256<ulong> RotateRight34(Vector256<ulong> x) => Rotate(x, 34);

        public static Vector256<ulong> RotateRight39(Vector256<ulong> x) => Rotate(x, 39);

        public static Vector256<ulong> RotateRight41(Vector256<ulong> x) => Rotate(x, 41);

        public static Vector256<ulong> RotateRight61(Vector256<ulong> x) => Rotate(x, 61);

        public static Vector256<ulong> ShiftRight6(Vector256<ulong> x) => Vector256.ShiftRightLogical(x, 6);

        public static Vector256<ulong> ShiftRight7(Vector256<ulong> x) => Vector256.ShiftRightLogical(x, 7);
    }

    /// <summary>Two lanes in software or SSE: only for the few compressions of the HMAC key set-up.</summary>
    private readonly struct Lanes128 : ILanes<Vector128<ulong>>
    {
        public static int Count => Vector128<ulong>.Count;

        public static Vector128<ulong> Broadcast(ulong value) => Vector128.Create(value);

        public static Vector128<ulong> Load(ReadOnlySpan<ulong> lanes) => Vector128.Create(lanes);

        public static void Store(Vector128<ulong> vector, Span<ulong> lanes) => vector.CopyTo(lanes);

        public static Vector128<ulong> Add(Vector128<ulong> x, Vector128<ulong> y) => x + y;

        public static Vector128<ulong> Xor(Vector128<ulong> x, Vector128<ulong> y) => x ^ y;

        public static Vector128<ulong> Xor3(Vector128<ulong> x, Vector128<ulong> y, Vector128<ulong> z) => x ^ y ^ z;

        public static Vector128<ulong> Choose(Vector128<ulong> e, Vector128<ulong> f, Vector128<ulong> g) => g ^ (e & (f ^ g));

        public static Vector128<ulong> Majority(Vector128<ulong> a, Vector128<ulong> b, Vector128<ulong> c) => (a & b) | (c & (a | b));

        private static Vector128<ulong> Rotate(Vector128<ulong> x, int n) => Vector128.ShiftRightLogical(x, n) | Vector128.ShiftLeft(x, 64 - n);

        public static Vector128<ulong> RotateRight1(Vector128<ulong> x) => Rotate(x, 1);

        public static Vector128<ulong> RotateRight8(Vector128<ulong> x) => Rotate(x, 8);

        public static Vector128<ulong> RotateRight14(Vector128<ulong> x) => Rotate(x, 14);

        public static Vector128<ulong> RotateRight18(Vector128<ulong> x) => Rotate(x, 18);

        public static Vector128<ulong> RotateRight19(Vector128<ulong> x) => Rotate(x, 19);

        public static Vector128<ulong> RotateRight28(Vector128<ulong> x) => Rotate(x, 28);

        public static Vector128<ulong> RotateRight34(Vector128<ulong> x) => Rotate(x, 34);

        public static Vector128<ulong> RotateRight39(Vector128<ulong> x) => Rotate(x, 39);

        public static Vector128<ulong> RotateRight41(Vector128<ulong> x) => Rotate(x, 41);

        public static Vector128<ulong> RotateRight61(Vector128<ulong> x) => Rotate(x, 61);

        public static Vector128<ulong> ShiftRight6(Vector128<ulong> x) => Vector128.ShiftRightLogical(x, 6);

        public static Vector128<ulong> ShiftRight7(Vector128<ulong> x) => Vector128.ShiftRightLogical(x, 7);
    }
}
