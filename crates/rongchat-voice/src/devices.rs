//! Finding audio devices through cpal's default host.

use cpal::traits::{DeviceTrait, HostTrait};

use crate::error::{Result, VoiceError};

/// A device as listed to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// cpal's stable id, e.g. `alsa:default` (accepted wherever a device is chosen).
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Whether it is the host's default for this direction.
    pub is_default: bool,
    /// Its default stream format, e.g. `2 ch, 48000 Hz, f32`, when it could be queried.
    pub default_format: Option<String>,
}

/// Which way audio flows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Microphones.
    Input,
    /// Speakers.
    Output,
}

fn device_error(e: impl std::fmt::Display) -> VoiceError {
    VoiceError::Device(e.to_string())
}

fn id_of(device: &cpal::Device) -> String {
    device.id().map(|id| id.to_string()).unwrap_or_default()
}

fn name_of(device: &cpal::Device) -> String {
    device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| id_of(device))
}

/// Lists the devices of one direction.
pub fn list(direction: Direction) -> Result<Vec<DeviceInfo>> {
    let host = cpal::default_host();
    let (devices, default) = match direction {
        Direction::Input => (
            host.input_devices()
                .map_err(device_error)?
                .collect::<Vec<_>>(),
            host.default_input_device(),
        ),
        Direction::Output => (
            host.output_devices()
                .map_err(device_error)?
                .collect::<Vec<_>>(),
            host.default_output_device(),
        ),
    };
    let default_id = default.as_ref().map(id_of);
    Ok(devices
        .iter()
        .map(|device| {
            let config = match direction {
                Direction::Input => device.default_input_config(),
                Direction::Output => device.default_output_config(),
            };
            let id = id_of(device);
            DeviceInfo {
                is_default: default_id.as_deref() == Some(id.as_str()),
                name: name_of(device),
                default_format: config.ok().map(|c| {
                    format!(
                        "{} ch, {} Hz, {}",
                        c.channels(),
                        c.sample_rate(),
                        c.sample_format()
                    )
                }),
                id,
            }
        })
        .collect())
}

/// The default device of a direction, or the one whose id, id suffix (`pulse` for
/// `alsa:pulse`) or name is `wanted`.
pub fn find(direction: Direction, wanted: Option<&str>) -> Result<cpal::Device> {
    let host = cpal::default_host();
    let Some(wanted) = wanted else {
        let default = match direction {
            Direction::Input => host.default_input_device(),
            Direction::Output => host.default_output_device(),
        };
        return default.ok_or_else(|| {
            VoiceError::DeviceNotFound(format!("no default {direction:?} device").to_lowercase())
        });
    };
    let devices: Vec<cpal::Device> = match direction {
        Direction::Input => host.input_devices().map_err(device_error)?.collect(),
        Direction::Output => host.output_devices().map_err(device_error)?.collect(),
    };
    let matches = |device: &cpal::Device| {
        let id = id_of(device);
        id == wanted
            || id.split_once(':').is_some_and(|(_, rest)| rest == wanted)
            || name_of(device) == wanted
    };
    devices
        .into_iter()
        .find(matches)
        .ok_or_else(|| VoiceError::DeviceNotFound(wanted.to_string()))
}

/// Starts a built stream.
pub(crate) fn play(stream: cpal::Stream) -> crate::Result<cpal::Stream> {
    use cpal::traits::StreamTrait;
    stream
        .play()
        .map_err(|e| crate::VoiceError::Device(e.to_string()))?;
    Ok(stream)
}

/// `$build::<T>(args)` with `T` the Rust sample type of a cpal `SampleFormat`; formats
/// without one are an [`crate::VoiceError::UnsupportedFormat`] naming `$what`.
macro_rules! with_sample_type {
    ($format:expr, $what:literal, $build:ident($($arg:expr),* $(,)?)) => {{
        use cpal::SampleFormat as F;
        match $format {
            F::I8 => $build::<i8>($($arg),*),
            F::I16 => $build::<i16>($($arg),*),
            F::I32 => $build::<i32>($($arg),*),
            F::U8 => $build::<u8>($($arg),*),
            F::U16 => $build::<u16>($($arg),*),
            F::F32 => $build::<f32>($($arg),*),
            F::F64 => $build::<f64>($($arg),*),
            other => Err($crate::VoiceError::UnsupportedFormat(format!(
                "{} format {other}",
                $what
            ))),
        }
    }};
}
pub(crate) use with_sample_type;
