use leptos::prelude::*;

use crate::components::layout::Page;
use crate::support::SupportDetails;

#[component]
pub fn ContactUsPage() -> impl IntoView {
    view! {
        <Page title="Contact us - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Contact us"</h1>
            <h2 class="nhsuk-heading-m">"The Service Desk"</h2>
            <p class="nhsuk-body">"Contact the Service Desk if you cannot sign in, if your account is locked or disabled, or if something on a page is not working."</p>
            <SupportDetails/>
            <h2 class="nhsuk-heading-m">"Your roles and organisations"</h2>
            <p class="nhsuk-body">"Your practice manager or your account administrator gives and changes roles. To ask for a role at another organisation, sign in and use Request Access on My Profile."</p>
            <h2 class="nhsuk-heading-m">"A problem with accessibility"</h2>
            <p class="nhsuk-body">"If you find a page hard to use, or need it in another format, tell the Service Desk. Our "<a href="/accessibility">"accessibility statement"</a>" says what we test and what we know is not yet right."</p>
        </Page>
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Page title="Accessibility statement - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Accessibility statement for Gatehouse"</h1>
            <p class="nhsuk-body">"Gatehouse decides who may use the commissioning and quality-reporting service, and for which organisations. We want as many people as possible to be able to use it. You should be able to:"</p>
            <ul class="nhsuk-list nhsuk-list--bullet">
                <li>"zoom in to 400% without the text spilling off the screen"</li>
                <li>"use every page with a keyboard alone"</li>
                <li>"use every page with a screen reader"</li>
                <li>"use every page without JavaScript, and on a phone"</li>
                <li>"get a warning before you are signed out for being inactive, and stay signed in"</li>
            </ul>
            <h2 class="nhsuk-heading-m">"How accessible this service is"</h2>
            <p class="nhsuk-body">"We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. Each page is built from the NHS.UK design system's components."</p>
            <h2 class="nhsuk-heading-m">"How we test it"</h2>
            <p class="nhsuk-body">"Every change is tested in Chromium at a desktop width and at a phone's, with and without JavaScript: each page a user reaches is scanned with axe for WCAG 2.2 A and AA failures, and must have none. The tests also check that words in tables do not break, that the error summary takes the focus after a mistake, and that the time-out warning can be answered from the keyboard. People have walked the service with the keyboard alone at 320 pixels wide."</p>
            <h2 class="nhsuk-heading-m">"What we know is not yet right"</h2>
            <ul class="nhsuk-list nhsuk-list--bullet">
                <li>"Without JavaScript there is no warning before the time-out; instead every page says at what time you will be signed out."</li>
                <li>"We have not yet had the service audited by people who use assistive technology every day."</li>
            </ul>
            <h2 class="nhsuk-heading-m">"Reporting accessibility problems"</h2>
            <p class="nhsuk-body">"If you find a problem not listed here, or need information in another format, contact the Service Desk:"</p>
            <SupportDetails/>
            <h2 class="nhsuk-heading-m">"Enforcement procedure"</h2>
            <p class="nhsuk-body">"The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."</p>
            <h2 class="nhsuk-heading-m">"Preparation of this statement"</h2>
            <p class="nhsuk-body">"This statement was prepared on 4 December 2026, from the tests described above, which run on every change."</p>
        </Page>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Page title="Privacy notice - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Privacy notice"</h1>
            <p class="nhsuk-body">"Gatehouse keeps what it needs to decide who may use the commissioning and quality-reporting service, and to show afterwards who decided what."</p>
            <h2 class="nhsuk-heading-m">"What we keep about you"</h2>
            <ul class="nhsuk-list nhsuk-list--bullet">
                <li>"your name, work email address and, if you give them, your phone numbers"</li>
                <li>"the organisations you work for, the roles you hold there, and who gave or removed them and why"</li>
                <li>"your password, only as a one-way hash that cannot be turned back into the password"</li>
                <li>"your sign-ins: when, from which network address and which browser"</li>
                <li>"a record of each change to accounts and access (the audit trail)"</li>
                <li>"what you type into a form of several steps, between its steps: for at most 30 minutes, and deleted when you send it"</li>
            </ul>
            <h2 class="nhsuk-heading-m">"Who can see it"</h2>
            <p class="nhsuk-body">"Administrators of your organisation, and of the organisations above it, see your details and roles so that they can manage access. The Service Desk can see every account to support it. Nobody else can, and nothing is sold or shared for marketing."</p>
            <h2 class="nhsuk-heading-m">"How long we keep it"</h2>
            <p class="nhsuk-body">"Your account and its history are kept while you use the service, and the audit trail is kept as the organisation that runs the service requires. A disabled account keeps its data for audit; it is not deleted."</p>
            <h2 class="nhsuk-heading-m">"Your rights"</h2>
            <p class="nhsuk-body">"You can see your details and roles on My Profile and My Account, and change your details there. To ask for a copy of everything we keep about you, or to ask for something to be corrected, contact the Service Desk:"</p>
            <SupportDetails/>
            <p class="nhsuk-body">"The organisation that runs this service is responsible for your data, and its Data Protection Officer can be reached through the Service Desk. You can also complain to the Information Commissioner's Office."</p>
            <p class="nhsuk-body">"We use two cookies, one to keep you signed in and one to keep what you type into a form: see "<a href="/cookies">"Cookies"</a>"."</p>
        </Page>
    }
}

#[component]
pub fn CookiesPage() -> impl IntoView {
    view! {
        <Page title="Cookies - Gatehouse" viewer=None>
            <h1 class="nhsuk-heading-l">"Cookies"</h1>
            <p class="nhsuk-body">"Gatehouse puts at most two small files (cookies) on your device. Both are strictly necessary: without them you could not stay signed in from one page to the next, or fill in a form of several steps. So we do not ask for your consent to them, and you cannot turn them off and still use the service."</p>
            <table class="nhsuk-table">
                <caption class="nhsuk-table__caption">"The cookies Gatehouse sets"</caption>
                <thead class="nhsuk-table__head">
                    <tr>
                        <th scope="col" class="nhsuk-table__header">"Name"</th>
                        <th scope="col" class="nhsuk-table__header">"Purpose"</th>
                        <th scope="col" class="nhsuk-table__header">"Expires"</th>
                    </tr>
                </thead>
                <tbody class="nhsuk-table__body">
                    <tr>
                        <td class="nhsuk-table__cell gh-break">"gatehouse_session"</td>
                        <td class="nhsuk-table__cell">"Keeps you signed in. It holds a random value and nothing about you; the server ends the session after a time without activity (30 minutes unless the service is set otherwise), or when you sign out. Over HTTPS it is named __Host-gatehouse_session."</td>
                        <td class="nhsuk-table__cell">"When you close the browser, or when the session ends"</td>
                    </tr>
                    <tr>
                        <td class="nhsuk-table__cell gh-break">"gatehouse_form"</td>
                        <td class="nhsuk-table__cell">"Set when you use a form. It holds a random value and nothing about you; what you typed is kept on the server under it, so that it never appears in a web address (and so in your browser's history or anyone's logs). Over HTTPS it is named __Host-gatehouse_form."</td>
                        <td class="nhsuk-table__cell">"30 minutes after you last used a form"</td>
                    </tr>
                </tbody>
            </table>
            <p class="nhsuk-body">"We do not use analytics, advertising or any other cookies, and we do not let anyone else set cookies through Gatehouse."</p>
        </Page>
    }
}
