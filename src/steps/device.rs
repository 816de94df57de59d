//! Step 1, the device: discovery list, a typed address, and what the device says about itself.

use super::StepHeading;
use crate::device::address::DeviceAddress;
use crate::device::client::{self, ClientError, DeviceFacts};
use crate::i18n::{tr, use_i18n, Msg};
use crate::problem::{BadInput, Problem};
use crate::ui::alert::Alert;
use crate::ui::read::Read;
use crate::ui::text_field::TextField;
use crate::wizard::progress::{SavedDevice, Step};
use crate::wizard::state::use_wizard;
use leptos::prelude::*;
use leptos::task::spawn_local;
use protocol::isapi::ResetMode;
use protocol::sadp::ProbeMatch;
use std::net::IpAddr;

/// How many times one search asks the helper, at most (a scan lasts a few seconds).
const DISCOVERY_ASKS: u32 = 64;
/// The pause between asks that brought nothing new (a helper older than `after`).
const DISCOVERY_PACE_MS: i32 = 250;

/// What discovery found so far: `None` while the first answer is awaited, like a resource.
type Found = Option<Result<Vec<ProbeMatch>, ClientError>>;

/// The device the person picked, and what discovery said of it.
#[derive(Debug, Clone, PartialEq)]
struct Chosen {
    address: DeviceAddress,
    discovered: Option<ProbeMatch>,
}

/// Step 1: find the device and read its capabilities. In a batch, the batch's current device.
#[component]
pub fn DeviceStep() -> impl IntoView {
    let wizard = use_wizard();
    let found = RwSignal::<Found>::new(None);
    let chosen = RwSignal::new(None::<Chosen>);
    let choose = Callback::new(
        move |(address, discovered): (DeviceAddress, Option<ProbeMatch>)| {
            // A typed address that discovery also found keeps the discovery record: its
            // serial number is the one detail support always asks for.
            let discovered = discovered.or_else(|| {
                found.with_untracked(|found| {
                    let devices = found.as_ref()?.as_ref().ok()?;
                    let same = devices
                        .iter()
                        .find(|d| discovered_address(d) == Some(address));
                    same.cloned()
                })
            });
            chosen.set(Some(Chosen {
                address,
                discovered,
            }));
        },
    );
    let panel = move || chosen.get().map(|c| view! { <DevicePanel chosen=c /> });
    let batch_device = wizard.batch.with_untracked(|b| {
        b.as_ref()
            .and_then(|b| b.current_item())
            .map(|item| item.device.clone())
    });
    if let Some(device) = batch_device {
        if let Ok(address) = DeviceAddress::parse(&device.address) {
            choose.run((address, Some(device.as_discovery())));
        }
        return view! {
            <section class="step" aria-labelledby="step-heading">
                <StepHeading step=Step::Device title=Msg::StepDevice />
                {panel}
            </section>
        }
        .into_any();
    }
    // Discovery is a stream of growing lists, not one value, so it stays a loop of its own: a
    // resource would show only the last list, and a new search would wait for the old ask.
    // Each search has a number, so a list still arriving for an earlier one is dropped.
    let searches = StoredValue::new(0u32);
    let search = move || {
        found.set(None);
        searches.update_value(|n| *n += 1);
        let this = searches.get_value();
        spawn_local(async move {
            let mut shown = 0;
            // The helper answers each ask as soon as the list grows, so devices appear as they
            // answer; bounded, and paced when an older helper answers at once without growth.
            for _ in 0..DISCOVERY_ASKS {
                let answer = client::discover(shown).await;
                if searches.get_value() != this {
                    return;
                }
                let discovery = match answer {
                    Ok(discovery) => discovery,
                    Err(err) => {
                        found.set(Some(Err(err)));
                        return;
                    }
                };
                let grew = discovery.devices.len() > shown;
                shown = discovery.devices.len();
                if grew || !discovery.scanning {
                    found.set(Some(Ok(discovery.devices)));
                }
                if !discovery.scanning {
                    return;
                }
                if !grew {
                    client::sleep_ms(DISCOVERY_PACE_MS).await;
                }
            }
        });
    };
    search();

    view! {
        <section class="step" aria-labelledby="step-heading">
            <StepHeading step=Step::Device title=Msg::StepDevice />
            <p class="hint">{tr(Msg::LanHint)}</p>
            <DiscoveryList found choose on_search=Callback::new(move |()| search()) />
            <AddressForm choose />
            {panel}
        </section>
    }
    .into_any()
}

#[component]
fn DiscoveryList(
    found: RwSignal<Found>,
    choose: Callback<(DeviceAddress, Option<ProbeMatch>)>,
    on_search: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Ticked for a batch; kept while the list is searched again.
    let picked = RwSignal::new(Vec::<SavedDevice>::new());
    let body = move || match found.get() {
        None => view! { <p role="status">{i18n.t(Msg::Searching)}</p> }.into_any(),
        Some(Err(err)) => {
            let problem = Problem::client(err, "");
            view! { <Alert problem=Signal::stored(Some(problem)) /> }.into_any()
        }
        Some(Ok(devices)) if devices.is_empty() => {
            view! { <p role="status">{i18n.t(Msg::NoDevicesFound)}</p> }.into_any()
        }
        Some(Ok(devices)) => {
            let several = devices.len() >= 2;
            view! {
                <DeviceTable devices choose picked />
                {several.then(|| view! { <BatchPicker picked /> })}
            }
            .into_any()
        }
    };
    view! {
        <div class="discovery">
            <h3>{tr(Msg::FoundDevices)}</h3>
            {body}
            <button type="button" class="secondary" on:click=move |_| on_search.run(())>
                {tr(Msg::SearchAgain)}
            </button>
        </div>
    }
}

#[component]
fn DeviceTable(
    devices: Vec<ProbeMatch>,
    choose: Callback<(DeviceAddress, Option<ProbeMatch>)>,
    picked: RwSignal<Vec<SavedDevice>>,
) -> impl IntoView {
    let several = devices.len() >= 2;
    let rows = devices
        .into_iter()
        .map(|device| view! { <DeviceRow device choose picked=several.then_some(picked) /> })
        .collect_view();
    view! {
        <table class="devices">
            <thead>
                <tr>
                    <th scope="col">{tr(Msg::ColumnModel)}</th>
                    <th scope="col">{tr(Msg::ColumnSerial)}</th>
                    <th scope="col">{tr(Msg::ColumnAddress)}</th>
                    <th scope="col">{tr(Msg::ColumnFirmware)}</th>
                    <th scope="col">{tr(Msg::ColumnStatus)}</th>
                    <td></td>
                    {several.then(|| view! { <th scope="col">{tr(Msg::BatchColumn)}</th> })}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn DeviceRow(
    device: ProbeMatch,
    choose: Callback<(DeviceAddress, Option<ProbeMatch>)>,
    /// The devices ticked for a batch, when the list has several.
    picked: Option<RwSignal<Vec<SavedDevice>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let address = discovered_address(&device);
    let model = device.model.clone().unwrap_or_default();
    let serial = device.serial.clone().unwrap_or_default();
    let label = Msg::ChooseDevice {
        model: model.clone(),
        serial: serial.clone(),
    };
    let status = match device.activated {
        Some(false) => Msg::NotActivated,
        _ => Msg::Activated,
    };
    let shown_address = address.map(|a| a.to_string()).unwrap_or_default();
    // Which of the proxy computer's adapters heard it: on a laptop with Wi-Fi, Ethernet and a
    // VPN, this tells which network the device is on.
    let found_on = device.found_on.as_ref().map(|adapter| {
        let msg = Msg::FoundOn {
            adapter: adapter.to_string(),
        };
        view! { <br /><small class="found-on">{tr(msg.clone())}</small> }
    });
    let firmware = device.firmware.clone().unwrap_or_default();
    let pick = address.zip(picked).map(|(address, picked)| {
        let label = Msg::BatchPick {
            model: model.clone(),
            serial: serial.clone(),
        };
        let device = SavedDevice::discovered(address.to_string(), &device);
        view! { <td><BatchCheckbox device label picked /></td> }
    });
    let button = address.map(|address| {
        let label = label.clone();
        view! {
            <button type="button" aria-label=move || i18n.t(label.clone())
                on:click=move |_| choose.run((address, Some(device.clone())))>
                {tr(Msg::Choose)}
            </button>
        }
    });
    view! {
        <tr>
            <td data-label=tr(Msg::ColumnModel)>{model}</td>
            <td class="serial" data-label=tr(Msg::ColumnSerial)>{serial}</td>
            <td data-label=tr(Msg::ColumnAddress)>{shown_address}{found_on}</td>
            <td data-label=tr(Msg::ColumnFirmware)>{firmware}</td>
            <td data-label=tr(Msg::ColumnStatus)>{tr(status.clone())}</td>
            <td>{button}</td>
            {pick}
        </tr>
    }
}

/// Where to reach a discovered device's web interface.
fn discovered_address(device: &ProbeMatch) -> Option<DeviceAddress> {
    let ip = device
        .ipv4
        .map(IpAddr::V4)
        .or(device.ipv6.map(IpAddr::V6))?;
    Some(DeviceAddress {
        ip,
        port: device
            .http_port
            .unwrap_or(crate::device::address::DEFAULT_HTTP_PORT),
    })
}

#[component]
fn AddressForm(choose: Callback<(DeviceAddress, Option<ProbeMatch>)>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match DeviceAddress::parse(&typed.get_untracked()) {
            Ok(address) => {
                problem.set(None);
                choose.run((address, None));
            }
            Err(err) => problem.set(Some(Problem::Input(BadInput::Address(err)))),
        }
    };
    view! {
        <form class="address-form" on:submit=submit novalidate>
            <TextField id="device-address" label=Msg::AddressLabel hint=Msg::AddressHint
                value=typed inputmode="url" autocomplete="off" spellcheck="false"
                error=Signal::derive(move || problem.get().map(|p| p.message())) />
            <button type="submit">{tr(Msg::CheckDevice)}</button>
        </form>
    }
}

#[component]
fn DevicePanel(chosen: Chosen) -> impl IntoView {
    let Chosen {
        address,
        discovered,
    } = chosen;
    // Each pick makes a new panel, so a read still under way for an earlier pick ends unseen
    // and this one starts at once.
    let facts = Read::new(move || client::read_device(address));
    let address = address.to_string();
    let body = move || match facts.get() {
        None => {
            let msg = Msg::AskingDevice {
                address: address.clone(),
            };
            view! { <p role="status">{tr(msg.clone())}</p> }.into_any()
        }
        Some(Err(err)) => {
            let problem = Problem::client(err, &address);
            view! { <Alert problem=Signal::stored(Some(problem)) /> }.into_any()
        }
        Some(Ok(facts)) => {
            let (discovered, address) = (discovered.clone(), address.clone());
            view! { <DeviceFactsView facts discovered address /> }.into_any()
        }
    };
    view! {
        <section class="device-panel" aria-labelledby="device-panel-heading" aria-live="polite">
            <h3 id="device-panel-heading">{tr(Msg::YourDevice)}</h3>
            {body}
        </section>
    }
}

#[component]
fn DeviceFactsView(
    facts: DeviceFacts,
    discovered: Option<ProbeMatch>,
    address: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let discovered = discovered.unwrap_or_default();
    let fact = move |label: Msg, value: Option<String>| {
        view! {
            <dt>{tr(label.clone())}</dt>
            <dd>{move || value.clone().unwrap_or_else(|| i18n.t(Msg::NotReported))}</dd>
        }
    };
    let details = view! {
        <dl class="facts">
            {fact(Msg::Model, discovered.model.clone())}
            {fact(Msg::Serial, discovered.serial.clone())}
            {fact(Msg::Firmware, discovered.firmware.clone())}
            {fact(Msg::Address, Some(address.clone()))}
        </dl>
    };
    if !facts.activation.activated {
        return view! {
            {details}
            <p class="notice" role="alert">{tr(Msg::NotActivatedExplain)}</p>
        }
        .into_any();
    }
    let limits = facts.security.password_length;
    let modes = facts
        .modes
        .reset_modes()
        .into_iter()
        .map(|support| {
            let name = mode_name(support.mode);
            let state = if support.supported {
                Msg::ModeAvailable
            } else {
                Msg::ModeUnavailable
            };
            let class = if support.supported {
                "mode available"
            } else {
                "mode unavailable"
            };
            view! { <li class=class>{tr(name.clone())}": "{tr(state.clone())}</li> }
        })
        .collect_view();
    let wizard = use_wizard();
    let saved = SavedDevice::discovered(address.clone(), &discovered);
    let go_on = move |_| {
        wizard.progress.update(|p| {
            if p.device.as_ref() != Some(&saved) {
                p.start_over();
                p.device = Some(saved.clone());
            }
        });
        wizard.facts.set(Some(facts.clone()));
        // A device whose QR code already went to the vendor only waits for its code.
        let exported = wizard
            .progress
            .with_untracked(|p| p.qr_exported_at_ms.is_some());
        wizard.go(if exported { Step::Code } else { Step::Mode });
    };
    view! {
        {details}
        <h4>{tr(Msg::ResetModes)}</h4>
        <ul class="modes">{modes}</ul>
        <p class="hint">{move || i18n.t(Msg::PasswordLength { min: limits.min, max: limits.max })}</p>
        <button type="button" class="primary" on:click=go_on>{tr(Msg::ResetThisDevice)}</button>
    }
    .into_any()
}

/// The name of a reset mode, as people call it.
pub(crate) fn mode_name(mode: ResetMode) -> Msg {
    match mode {
        ResetMode::Email => Msg::ModeEmail,
        ResetMode::SecurityQuestions => Msg::ModeSecurityQuestions,
        ResetMode::GuidFile => Msg::ModeGuidFile,
        ResetMode::HikConnectApp => Msg::ModeHikConnect,
    }
}

/// Ticks a device for a batch.
#[component]
fn BatchCheckbox(
    device: SavedDevice,
    label: Msg,
    picked: RwSignal<Vec<SavedDevice>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let address = device.address.clone();
    let checked = {
        let address = address.clone();
        move || picked.with(|p| p.iter().any(|d| d.address == address))
    };
    let toggle = move |_| {
        picked.update(|p| match p.iter().position(|d| d.address == address) {
            Some(i) => {
                p.remove(i);
            }
            None => p.push(device.clone()),
        })
    };
    view! {
        <input type="checkbox" aria-label=move || i18n.t(label.clone()) prop:checked=checked
            on:change=toggle />
    }
}

/// Resets the ticked devices one after another, once two or more are ticked.
#[component]
fn BatchPicker(picked: RwSignal<Vec<SavedDevice>>) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = use_wizard();
    let count = move || picked.with(Vec::len);
    view! {
        <p class="hint">{tr(Msg::BatchHint)}</p>
        <Show when=move || { count() >= 2 }>
            <button type="button" class="primary"
                on:click=move |_| crate::batch::view::start(wizard, picked.get_untracked())>
                {move || i18n.t(Msg::BatchStart { count: count() })}
            </button>
        </Show>
    }
}
