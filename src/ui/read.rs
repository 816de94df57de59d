//! A read a step makes of the device: a Leptos `LocalResource`, with every read sharing one
//! resource type so the bundle holds one copy of the resource's async machinery.
//!
//! Each `LocalResource` of a new value type or fetcher copies that machinery into the wasm,
//! about 1.5 KB brotli a copy; boxing the fetcher and its value makes them all one type.
//! Steps show `None` as their reading line rather than wrapping the read in `<Suspense>` or
//! `<Transition>`: either of those alone adds about 2.2 KB brotli to the first load.

use leptos::prelude::*;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

type Value = Rc<dyn Any>;
type Fetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Value>>>>;

/// A resource of `T`, `None` while it is being read.
pub struct Read<T> {
    resource: LocalResource<Value>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Read<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Read<T> {}

impl<T: Clone + 'static> Read<T> {
    /// Starts reading with `fetch`, as `LocalResource::new` does.
    pub fn new<F: Future<Output = T> + 'static>(fetch: impl Fn() -> F + 'static) -> Self {
        let fetch: Fetch = Box::new(move || {
            let read = fetch();
            Box::pin(async move { Rc::new(read.await) as Value })
        });
        Self {
            resource: LocalResource::new(fetch),
            value: PhantomData,
        }
    }

    /// The value once read; tracked.
    pub fn get(&self) -> Option<T> {
        self.resource.with(Self::unbox)
    }

    /// The value once read, without tracking it.
    pub fn get_untracked(&self) -> Option<T> {
        self.resource.with_untracked(Self::unbox)
    }

    fn unbox(value: &Option<Value>) -> Option<T> {
        // Only `new` fills the resource, always with a `T`.
        value.as_ref()?.downcast_ref::<T>().cloned()
    }
}
