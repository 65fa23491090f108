package dev.atoll.control.raft;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Carries what {@link ReplicatedStateMachine#apply} returned from the leader back to a follower that
 * forwarded the command (see {@link RaftGroup#openMember}). A machine whose results are richer than
 * {@link #BASIC} supports passes its own.
 */
public interface ResultCodec {
    /** @throws IllegalArgumentException if the result has no wire form */
    byte[] encode(Object result);

    /** @throws IllegalArgumentException if the bytes do not decode */
    Object decode(byte[] bytes);

    /** null, byte[], String, Integer, Long and Boolean. */
    ResultCodec BASIC = new ResultCodec() {
        @Override
        public byte[] encode(Object result) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                switch (result) {
                    case null -> out.writeByte(0);
                    case byte[] b -> {
                        out.writeByte(1);
                        out.writeInt(b.length);
                        out.write(b);
                    }
                    case String s -> {
                        out.writeByte(2);
                        byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        out.writeInt(utf8.length);
                        out.write(utf8);
                    }
                    case Integer i -> {
                        out.writeByte(3);
                        out.writeInt(i);
                    }
                    case Long l -> {
                        out.writeByte(4);
                        out.writeLong(l);
                    }
                    case Boolean b -> {
                        out.writeByte(5);
                        out.writeBoolean(b);
                    }
                    default ->
                        throw new IllegalArgumentException("ResultCodec.BASIC cannot carry a "
                                + result.getClass().getName() + "; pass a ResultCodec for this state machine");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            return bytes.toByteArray();
        }

        @Override
        public Object decode(byte[] bytes) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                Object value =
                        switch (in.readByte()) {
                            case 0 -> null;
                            case 1 -> readSized(in);
                            case 2 -> new String(readSized(in), java.nio.charset.StandardCharsets.UTF_8);
                            case 3 -> in.readInt();
                            case 4 -> in.readLong();
                            case 5 -> in.readBoolean();
                            default -> throw new IOException("unknown result tag");
                        };
                if (in.available() != 0) {
                    throw new IOException("trailing bytes");
                }
                return value;
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "a forwarded command's result does not decode: " + e.getMessage(), e);
            }
        }

        private static byte[] readSized(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("length " + length + " exceeds the result");
            }
            return in.readNBytes(length);
        }
    };
}
