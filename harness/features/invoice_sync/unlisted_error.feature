@article:unlisted-error
Feature: Any other QuickBooks error is shown exactly as QuickBooks worded it
  For faults the article does not list, the card shows QuickBooks' exact error text, and the failure
  keeps what support asks for: invoice number, exact error text, time of the attempt, code and intuit_tid.

  Background:
    Given a Caspen account connected to an Australian QuickBooks company
    And a client "Jo Citizen" with client id 4200042

  Scenario: Closed books in QuickBooks
    Given in QuickBooks the books are closed through 2099-12-31
    And a finalized invoice for "Jo Citizen" of $75.00 with GST
    Then the QuickBooks status card shows "Account Period Closed"
    And the status card offers Retry
    And Caspen did not retry automatically
    And the failure record keeps the invoice number, the exact error text, the time, code 6210 and the intuit_tid
    When in QuickBooks the books are reopened
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"

  Scenario: A QuickBooks system failure that outlasts Caspen's automatic retries
    Given QuickBooks fails every invoice create with a system failure
    And a finalized invoice for "Jo Citizen" of $75.00 with GST
    Then the QuickBooks status card shows "An application error has occurred while processing your request"
    And Caspen retried automatically
    And every attempt reused the same request id
    And the failure record keeps the invoice number, the exact error text, the time, code 10000 and the intuit_tid
    When QuickBooks recovers
    And I press Retry on the status card
    Then the QuickBooks status card shows "Synced"
