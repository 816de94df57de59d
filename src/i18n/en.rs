//! English, the reference language: plain words, short sentences, what to do next.

use super::Msg;
use std::borrow::Cow;

/// The English sentence for `msg`.
pub fn text(msg: &Msg) -> Cow<'static, str> {
    use Msg::*;
    let s = match msg {
        AppTitle => "Password reset wizard",
        AppTagline => "Get back into your Hikvision camera, NVR or DVR with the vendor's official e-mail reset, one step at a time.",
        DemoBadge => "Demo: the device below is simulated",
        StepDevice => "Find your device",
        LanHint => "This computer must be on the same local network as the device (the same router or switch). Resets are refused from outside that network.",
        Searching => "Looking for devices on this network…",
        SearchAgain => "Search again",
        NoDevicesFound => "No device answered. Check that it is switched on and plugged in, then search again, or type its address below.",
        FoundDevices => "Devices on this network",
        ColumnModel => "Model",
        ColumnSerial => "Serial number",
        ColumnAddress => "Address",
        ColumnFirmware => "Firmware",
        ColumnStatus => "Status",
        Activated => "Activated",
        NotActivated => "Not activated",
        Choose => "Choose",
        ChooseDevice { model, serial } => return format!("Choose {model}, serial number {serial}").into(),
        AddressLabel => "Device address",
        AddressHint => "The IP address shown by the device or your router, for example 192.168.1.64, optionally with :port.",
        CheckDevice => "Check this device",
        AddressEmpty => "Type the device's IP address first.",
        AddressNotAnIp => "That is not an IP address. Type numbers like 192.168.1.64 (names are not accepted).",
        AddressBadPort => "The port after the colon must be a number from 1 to 65535.",
        AskingDevice { address } => return format!("Asking the device at {address}…").into(),
        YourDevice => "Your device",
        Model => "Model",
        Serial => "Serial number",
        Firmware => "Firmware",
        Address => "Address",
        NotReported => "not reported",
        ResetModes => "Ways to reset the password on this device",
        ModeEmail => "E-mail verification",
        ModeSecurityQuestions => "Security questions",
        ModeGuidFile => "GUID file",
        ModeHikConnect => "Hik-Connect app",
        ModeAvailable => "available",
        ModeUnavailable => "not available on this device",
        PasswordLength { min, max } => return format!("A new password must have {min} to {max} characters.").into(),
        NotActivatedExplain => "This device has no password yet — activate it instead. Open its web page (or the SADP tool) and choose a first password: there is nothing to reset.",
        ProxyUnreachable => "The helper program on this computer (reset-proxy) is not answering. Check that it is still running, then try again.",
        ProxyRefused { detail } => return format!("The helper program refused this request: {detail}").into(),
        DeviceUnreachable { address } => return format!("The device at {address} did not answer. Check that it is switched on, that the address is right, and that this computer is on the same network, then try again.").into(),
        DeviceTimeout { address } => return format!("The device at {address} is taking too long to answer. If it was just restarted it may still be starting: wait a minute and try again.").into(),
        DeviceAnswerTooLarge => "The device sent a much larger answer than a camera or recorder would. Check that the address belongs to the device.",
        DeviceGarbage { detail } => return format!("The device answered, but not in a way we understand ({detail}). Check that the address belongs to a Hikvision camera, NVR or DVR.").into(),
        DeviceStatus { status } => return format!("The device refused the request (HTTP status {status}). Wait a minute and try again.").into(),
        TargetNotAllowed => "The helper program may not contact this address. Devices must be on a private local network, such as 192.168.x.x or 10.x.x.x.",
        DiscoveryFailed => "Searching the network failed on this computer. Type the device's address below instead.",
        TryAgain => "Try again",
    };
    Cow::Borrowed(s)
}
