//! The one shape of every call: the arguments are read on the JavaScript thread into a job (a
//! host request, validated), which runs off the thread ([`task`], a `Promise`) or on it
//! ([`sync`], the `...Sync` twin) through the same [`Job::call`], behind the host's panic
//! boundary; its outcome becomes a JavaScript value on the JavaScript thread.

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::Env;
use sigverify_host::{guard, Failure};

use crate::errors::throw;

/// One call, with everything copied out of JavaScript values.
pub trait Job: Send + Sized + 'static {
    /// What the host returns.
    type Out: Send + 'static;
    /// What JavaScript receives.
    type Js: ToNapiValue + TypeName;
    /// The one code path of the async function and its `Sync` twin.
    fn call(&self) -> Result<Self::Out, Failure>;
    /// The outcome as a JavaScript value (on the JavaScript thread).
    fn to_js(env: &Env, out: Self::Out) -> napi::Result<Self::Js>;
}

/// The off-thread half of a call.
pub struct JobTask<J: Job>(Option<Result<J, Failure>>);

impl<J: Job> napi::Task for JobTask<J> {
    type Output = Result<J::Out, Failure>;
    type JsValue = J::Js;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        Ok(match self.0.take() {
            Some(job) => job.and_then(|j| guard(|| j.call())),
            None => Err(Failure::Internal("a task ran twice".into())),
        })
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        J::to_js(&env, throw(&env, output)?)
    }
}

/// The call off the JavaScript thread.
pub(crate) fn task<J: Job>(job: Result<J, Failure>) -> AsyncTask<JobTask<J>> {
    AsyncTask::new(JobTask(Some(job)))
}

/// The call on the JavaScript thread.
pub(crate) fn sync<J: Job>(env: &Env, job: Result<J, Failure>) -> napi::Result<J::Js> {
    J::to_js(env, throw(env, job.and_then(|j| guard(|| j.call())))?)
}
