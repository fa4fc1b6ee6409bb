//! The gRPC codec of every Porthole service and client: prost, with smaller buffers.
//!
//! tonic's default codec allocates an 8 KiB encode buffer when a response stream starts and
//! keeps it for the stream's life. A chat server holds one stream per open browser tab,
//! nearly all idle, and Porthole's messages are a few hundred bytes, so that buffer was a
//! quarter of an idle feed's memory. The buffers here start small and grow when a larger
//! message needs it (a list response, say).

use std::marker::PhantomData;

use tonic::codec::{BufferSettings, Codec};
use tonic_prost::{ProstDecoder, ProstEncoder};

/// Initial size of the encode and decode buffers (tonic's default is 8 KiB).
pub const BUFFER_SIZE: usize = 512;
/// Encoded bytes a stream gathers before it yields them (tonic's default).
const YIELD_THRESHOLD: usize = 32 * 1024;

/// Prost encoding with [`BUFFER_SIZE`] buffers; named in the generated stubs
/// (`codec_path` in `build.rs`).
#[derive(Debug, Clone, Copy)]
pub struct LeanCodec<T, U>(PhantomData<(T, U)>);

impl<T, U> Default for LeanCodec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

fn settings() -> BufferSettings {
    BufferSettings::new(BUFFER_SIZE, YIELD_THRESHOLD)
}

impl<T, U> Codec for LeanCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(settings())
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstDecoder::new(settings())
    }
}
